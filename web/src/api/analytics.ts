// Contact-point analytics (routes/analytics.ts) and a customer's contact points (routes/customers.ts).
import type {
  ContactPointQuery,
  CustomerContactPoints,
  CustomerGroup,
  HotlineTopics,
  IvrAnalytics,
  WebAnalytics,
  WebQuery,
} from '../../../src/analytics/contact-points.ts';
import { useApi } from './client.ts';

export type { CustomerContactPoints, CustomerGroup, HotlineTopics, IvrAnalytics, WebAnalytics };
export type IvrNode = IvrAnalytics['nodes'][number];

/** The websites of web_browse (the web_site type of migration 001). */
export const webSites = ['online_hall', 'wap', 'portal', 'monternet', 'mail139', 'fetion'] as const;

export const useIvrAnalytics = (query: ContactPointQuery) => useApi<IvrAnalytics>('/api/analytics/ivr', query);
export const useHotlineTopics = (query: ContactPointQuery) => useApi<HotlineTopics>('/api/analytics/hotline', query);
export const useWebAnalytics = (query: WebQuery) => useApi<WebAnalytics>('/api/analytics/web', query);
export const useCustomerContactPoints = (id: number) => useApi<CustomerContactPoints>(`/api/customers/${id}/contact-points`);
