import { createBrowserRouter, Navigate } from 'react-router';
import { Layout } from './components/Layout';

/** Each page is its own chunk, loaded when first visited: the initial script stays small. */
export const router = createBrowserRouter([
  {
    path: '/',
    element: <Layout />,
    children: [
      { index: true, element: <Navigate to="/periods" replace /> },
      {
        path: 'periods',
        lazy: async () => ({ Component: (await import('./pages/periods/PeriodsPage')).PeriodsPage }),
      },
      {
        path: 'periods/:period',
        lazy: async () => ({ Component: (await import('./pages/period/PeriodPage')).PeriodPage }),
      },
      {
        path: 'items/:id',
        lazy: async () => ({ Component: (await import('./pages/item/ItemPage')).ItemPage }),
      },
      {
        path: 'rules',
        lazy: async () => ({ Component: (await import('./pages/rules/RulesPage')).RulesPage }),
      },
      { path: '*', element: <Navigate to="/periods" replace /> },
    ],
  },
]);
