// Customers: list, 360, contact timeline and the audited number reveal (routes/customers.ts).
import type { ContactTimeline, Customer360, CustomerList, CustomerListQuery, ContactTimelineQuery } from '../../../src/customers/schemas.ts';
import { api, downloadFile, useApi, type Query } from './client.ts';

export type { ContactTimeline, Customer360, CustomerList };
export type CustomerSummary = CustomerList['items'][number];
export type ContactItem = ContactTimeline['items'][number];

export const useCustomers = (query: Partial<CustomerListQuery>) => useApi<CustomerList>('/api/customers', query);

export const useCustomer360 = (id: number | null) => useApi<Customer360>(id === null ? null : `/api/customers/${id}`);

export const useContactTimeline = (id: number, query: Partial<ContactTimelineQuery>) => useApi<ContactTimeline>(`/api/customers/${id}/contacts`, query);

export const revealMsisdn = (id: number) => api<{ msisdn: string }>(`/api/customers/${id}/reveal`, { method: 'POST' });

/** Downloads every customer the list's filters select as CSV (numbers masked; the server audits it). */
export const downloadCustomersCsv = (query: Query) =>
  downloadFile('/api/customers.csv', `customers${query.segmentId ? `-segment-${query.segmentId}` : ''}.csv`, query);
