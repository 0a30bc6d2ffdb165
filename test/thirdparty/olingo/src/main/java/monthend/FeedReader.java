package monthend;

import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.olingo.client.api.ODataClient;
import org.apache.olingo.client.api.communication.request.retrieve.ODataEntitySetRequest;
import org.apache.olingo.client.api.domain.ClientEntity;
import org.apache.olingo.client.api.domain.ClientEntitySet;
import org.apache.olingo.client.api.domain.ClientLink;
import org.apache.olingo.client.api.domain.ClientProperty;
import org.apache.olingo.client.api.uri.QueryOption;
import org.apache.olingo.client.api.uri.URIBuilder;
import org.apache.olingo.client.core.ODataClientFactory;
import org.apache.olingo.client.core.http.BasicAuthHttpClientFactory;
import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.commons.api.edm.EdmEntityType;

/**
 * Reads Monthend's OData feed with Apache Olingo's OData v4 client, as a third party would:
 * $metadata, every page of Items through @odata.nextLink, $expand=Customer, a $filter with year(),
 * and Reconciliation. Prints one JSON summary line; sums are exact (BigDecimal) and printed as strings.
 *
 * Usage: FeedReader <service root, e.g. http://127.0.0.1:3000/odata> <API token> <year> [page size]
 */
public final class FeedReader {
  /** Decimals as JSON strings (OData's IEEE754Compatible), so no value passes through a double. */
  private static final String ACCEPT = "application/json;odata.metadata=minimal;IEEE754Compatible=true";

  private final ODataClient client;
  private final String root;
  private final int pageSize;

  private FeedReader(ODataClient client, String root, int pageSize) {
    this.client = client;
    this.root = root;
    this.pageSize = pageSize;
  }

  public static void main(String[] args) {
    if (args.length < 3) {
      System.err.println("usage: FeedReader <service root> <token> <year> [page size]");
      System.exit(2);
    }
    String root = args[0];
    int year = Integer.parseInt(args[2]);
    int pageSize = args.length > 3 ? Integer.parseInt(args[3]) : 0;

    ODataClient plain = ODataClientFactory.getClient();
    // HTTP Basic with any user name and the token as password, as Excel and Power BI sign in.
    plain.getConfiguration().setHttpClientFactory(new BasicAuthHttpClientFactory("olingo", args[1]));
    Edm edm = plain.getRetrieveRequestFactory().getMetadataRequest(root).execute().getBody();
    // The metadata-aware client types every value by $metadata (Edm.Decimal, Edm.Date...).
    ODataClient client = ODataClientFactory.getEdmEnabledClient(root, edm, null);
    client.getConfiguration().setHttpClientFactory(new BasicAuthHttpClientFactory("olingo", args[1]));
    new FeedReader(client, root, pageSize).run(edm, year);
  }

  private void run(Edm edm, int year) {
    Map<String, Object> summary = new LinkedHashMap<>();
    Map<String, Object> metadata = new LinkedHashMap<>();
    List<String> sets = new ArrayList<>();
    Map<String, List<String>> navigations = new TreeMap<>();
    for (EdmEntitySet set : edm.getEntityContainer().getEntitySets()) {
      sets.add(set.getName());
      EdmEntityType type = set.getEntityType();
      List<String> names = new ArrayList<>();
      for (String name : type.getNavigationPropertyNames()) {
        names.add(name + "->" + set.getRelatedBindingTarget(name).getName());
      }
      navigations.put(set.getName(), names);
    }
    metadata.put("entitySets", sets);
    metadata.put("navigations", navigations);
    summary.put("metadata", metadata);

    // Every Item, page by page, following @odata.nextLink to the end.
    Totals items = new Totals();
    int[] pages = {0};
    walk(builder("Items").count(true), page -> pages[0]++, entity -> {
      items.rows++;
      items.add("amount", decimal(entity, "amount"));
      if (Boolean.TRUE.equals(value(entity, "billable"))) items.add("billableAmount", decimal(entity, "amount"));
    });
    summary.put("items", items.json(Map.of("pages", pages[0])));

    // $expand=Customer: every item carries its customer, whose ref is the item's customerRef.
    Totals expanded = new Totals();
    int[] mismatches = {0};
    walk(builder("Items").select("id", "customerRef").expand("Customer"), page -> {}, entity -> {
      expanded.rows++;
      ClientLink link = entity.getNavigationLink("Customer");
      ClientEntity customer = link == null ? null : link.asInlineEntity().getEntity();
      if (customer == null || !String.valueOf(value(customer, "ref")).equals(value(entity, "customerRef"))) {
        mismatches[0]++;
      }
    });
    summary.put("itemsWithCustomer", expanded.json(Map.of("customerMismatches", mismatches[0])));

    // A filter with year(), as Power Query folds a date filter, with the Period expanded too.
    Totals ofYear = new Totals();
    Map<QueryOption, Object> periodEnd = new LinkedHashMap<>();
    periodEnd.put(QueryOption.SELECT, "end");
    walk(
        builder("Items").filter("year(periodEnd) eq " + year).expandWithOptions("Period", periodEnd),
        page -> {},
        entity -> {
          ofYear.rows++;
          ofYear.add("amount", decimal(entity, "amount"));
          ClientEntity period = entity.getNavigationLink("Period").asInlineEntity().getEntity();
          if (!String.valueOf(value(period, "end")).startsWith(year + "-")) ofYear.add("wrongYear", BigDecimal.ONE);
        });
    summary.put("itemsOfYear", ofYear.json(Map.of("year", year)));

    Totals reconciliation = new Totals();
    Map<String, Integer> reasons = new TreeMap<>();
    walk(builder("Reconciliation").expand("Customer", "Sku"), page -> {}, entity -> {
      reconciliation.rows++;
      for (String name : new String[] {"billedAmount", "chargedAmount", "cost", "margin", "unbilledAmount"}) {
        reconciliation.add(name, decimal(entity, name));
      }
      String list = String.valueOf(value(entity, "varianceReasons"));
      for (String reason : list.isEmpty() ? new String[0] : list.split(",")) reasons.merge(reason, 1, Integer::sum);
      ClientEntity sku = entity.getNavigationLink("Sku").asInlineEntity().getEntity();
      if (!String.valueOf(value(sku, "code")).equals(value(entity, "sku"))) reconciliation.add("skuMismatches", BigDecimal.ONE);
    });
    summary.put("reconciliation", reconciliation.json(Map.of("reasons", reasons)));
    System.out.println(Json.write(summary));
  }

  private URIBuilder builder(String set) {
    return client.newURIBuilder(root).appendEntitySetSegment(set);
  }

  /** Every page from the first request on, as long as the service sends @odata.nextLink. */
  private void walk(URIBuilder first, Consumer<ClientEntitySet> onPage, Consumer<ClientEntity> onEntity) {
    URI next = first.build();
    int guard = 0;
    while (next != null) {
      if (++guard > 10_000) throw new IllegalStateException("more than 10000 pages: a nextLink loop?");
      ODataEntitySetRequest<ClientEntitySet> request = client.getRetrieveRequestFactory().getEntitySetRequest(next);
      request.setAccept(ACCEPT);
      if (pageSize > 0) request.setPrefer("odata.maxpagesize=" + pageSize);
      ClientEntitySet page = request.execute().getBody();
      onPage.accept(page);
      page.getEntities().forEach(onEntity);
      next = page.getNext();
    }
  }

  private static Object value(ClientEntity entity, String name) {
    ClientProperty property = entity.getProperty(name);
    if (property == null || property.hasNullValue()) return null;
    return property.getPrimitiveValue().toValue();
  }

  private static BigDecimal decimal(ClientEntity entity, String name) {
    Object value = value(entity, name);
    if (value == null) return null;
    if (value instanceof BigDecimal decimal) return decimal;
    // Anything else would mean the client typed a decimal as something inexact: say so loudly.
    throw new IllegalStateException(name + " read as " + value.getClass().getName() + ", not BigDecimal");
  }

  /** A row count and exact sums by name. */
  private static final class Totals {
    int rows;
    final Map<String, BigDecimal> sums = new TreeMap<>();

    void add(String name, BigDecimal value) {
      sums.merge(name, value == null ? BigDecimal.ZERO : value, BigDecimal::add);
    }

    Map<String, Object> json(Map<String, Object> extra) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("rows", rows);
      Map<String, String> exact = new TreeMap<>();
      sums.forEach((name, sum) -> exact.put(name, plain(sum)));
      out.put("sums", exact);
      out.putAll(extra);
      return out;
    }

    private static String plain(BigDecimal value) {
      return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }
  }

  /** Just enough JSON for the summary: maps, lists, strings and whole numbers. */
  private static final class Json {
    static String write(Object value) {
      if (value == null) return "null";
      if (value instanceof Number || value instanceof Boolean) return value.toString();
      if (value instanceof Map<?, ?> map) {
        List<String> members = new ArrayList<>();
        map.forEach((k, v) -> members.add(write(String.valueOf(k)) + ":" + write(v)));
        return "{" + String.join(",", members) + "}";
      }
      if (value instanceof List<?> list) {
        List<String> items = new ArrayList<>();
        list.forEach(item -> items.add(write(item)));
        return "[" + String.join(",", items) + "]";
      }
      StringBuilder out = new StringBuilder("\"");
      for (char c : value.toString().toCharArray()) {
        if (c == '"' || c == '\\') out.append('\\').append(c);
        else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
        else out.append(c);
      }
      return out.append('"').toString();
    }
  }
}
