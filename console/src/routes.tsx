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
      {
        path: 'customers',
        lazy: async () => ({ Component: (await import('./pages/customers/CustomersPage')).CustomersPage }),
      },
      {
        path: 'management',
        lazy: async () => ({ Component: (await import('./pages/management/ManagementPage')).ManagementPage }),
      },
      {
        path: 'catalog',
        lazy: async () => ({ Component: (await import('./pages/catalog/CatalogPage')).CatalogPage }),
      },
      {
        path: 'settings',
        lazy: async () => ({ Component: (await import('./pages/settings/SettingsPage')).SettingsPage }),
      },
      { path: '*', element: <Navigate to="/periods" replace /> },
    ],
  },
]);
