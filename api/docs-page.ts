/**
 * A self-contained page over /openapi.json: no CDN, so it works on a closed network too. It lists
 * every operation with its parameters, request body and answers.
 */
export const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Monthend API</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d2430}
h1{margin-bottom:.2rem} .op{border:1px solid #d6dbe3;border-radius:6px;margin:.6rem 0;padding:.5rem .8rem}
.method{display:inline-block;min-width:4.5rem;font-weight:700;text-transform:uppercase}
.get{color:#0b6e4f}.post{color:#8a4b08}.patch{color:#5b3b8c}.delete{color:#a1262d}.put{color:#225b99}
code{background:#f2f4f7;padding:0 .25rem;border-radius:3px} summary{cursor:pointer} pre{background:#f7f8fa;padding:.5rem;overflow:auto}
.tag{margin-top:1.6rem;border-bottom:2px solid #1d2430}
</style></head><body>
<h1>Monthend API</h1><p id="about"></p>
<p>Authenticate with <code>Authorization: Bearer &lt;token&gt;</code> (or Basic with the token as password).
The machine-readable document is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<div id="ops">Loading…</div>
<script>
fetch('/openapi.json').then(r => r.json()).then(doc => {
  document.getElementById('about').textContent = doc.info.description || '';
  const byTag = {};
  for (const [path, item] of Object.entries(doc.paths || {}))
    for (const [method, op] of Object.entries(item))
      (byTag[(op.tags || ['Other'])[0]] ||= []).push({ path, method, op });
  const ops = document.getElementById('ops'); ops.textContent = '';
  for (const [tag, list] of Object.entries(byTag)) {
    const h = document.createElement('h2'); h.className = 'tag'; h.textContent = tag; ops.append(h);
    for (const { path, method, op } of list) {
      const d = document.createElement('details'); d.className = 'op';
      const s = document.createElement('summary');
      s.innerHTML = '<span class="method ' + method + '">' + method + '</span> <code></code> ';
      s.querySelector('code').textContent = path; s.append(op.summary || '');
      const pre = document.createElement('pre');
      pre.textContent = JSON.stringify({ parameters: op.parameters, requestBody: op.requestBody, responses: op.responses }, null, 2);
      d.append(s, pre); ops.append(d);
    }
  }
});
</script></body></html>`;
