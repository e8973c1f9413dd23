import type { Connection, Order } from '../../db/types.ts';
import { ORDER_STATES, type OrderState } from '../../domain/order-state.ts';
import { html, type SafeHtml } from './html.ts';

/** What the orders page was asked for (validated by the route's schema). */
export interface OrdersQuery {
  q?: string | undefined;
  status?: OrderState | undefined;
  cursor?: string | undefined;
}

export interface OrdersView {
  query: OrdersQuery;
  rows: Order[];
  count: number;
  nextCursor: string | null;
  connections: Map<string, Connection>;
  fulfillmentOf: Map<string, string[]>;
}

/** The query string of the orders list for these parameters (empty ones left out). */
export function ordersSearch(query: OrdersQuery): string {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.status) params.set('status', query.status);
  if (query.cursor) params.set('cursor', query.cursor);
  const text = params.toString();
  return text ? `?${text}` : '';
}

const connectionLabel = (connections: Map<string, Connection>, id: string) => {
  const connection = connections.get(id);
  return connection ? `${connection.connector} · ${connection.external_account}` : id;
};

/**
 * The list section, also served alone (`/dashboard/orders/rows`) for htmx's filter swaps and the
 * live refresh: it carries its own URL so a refresh keeps the current filter and page.
 */
export function ordersSection(view: OrdersView): SafeHtml {
  const { query, rows, count, nextCursor, connections, fulfillmentOf } = view;
  return html`<section id="orders" data-live-src="/dashboard/orders/rows${ordersSearch(query)}" aria-label="Orders">
<p id="order-count">${count} ${count === 1 ? 'order matches' : 'orders match'}.</p>
<table>
<thead><tr><th scope="col">Order</th><th scope="col">State</th><th scope="col">Storefront</th><th scope="col">3PL</th><th scope="col">Created</th></tr></thead>
<tbody>
${rows.map(
  (order) => html`<tr data-order-id="${order.id}">
<td><a href="/dashboard/orders/${order.id}">${order.source_order_name ?? order.source_order_id}</a></td>
<td class="state" data-state="${order.status}">${order.status}</td>
<td>${connectionLabel(connections, order.storefront_connection_id)}</td>
<td>${(fulfillmentOf.get(order.id) ?? []).map((id) => connectionLabel(connections, id)).join(', ') || '—'}</td>
<td><time datetime="${order.created_at.toISOString()}">${order.created_at.toISOString().replace('T', ' ').slice(0, 19)}</time></td>
</tr>`,
)}
</tbody>
</table>
${rows.length === 0 ? html`<p>No orders match.</p>` : ''}
<nav aria-label="Pages">
${query.cursor ? html`<a href="/dashboard/orders${ordersSearch({ ...query, cursor: undefined })}">First page</a>` : ''}
${nextCursor ? html`<a rel="next" href="/dashboard/orders${ordersSearch({ ...query, cursor: nextCursor })}">Next page</a>` : ''}
</nav>
</section>`;
}

/** The search and filter form; htmx swaps the list in place, and without script it is a plain GET. */
export function ordersFilters(query: OrdersQuery): SafeHtml {
  return html`<form class="filters" method="get" action="/dashboard/orders" role="search"
 hx-get="/dashboard/orders/rows" hx-target="#orders" hx-swap="outerHTML" hx-trigger="submit, input changed delay:400ms from:#q, change from:#status">
<label for="q">Order name, SKU or tracking number<input id="q" name="q" type="search" maxlength="200" value="${query.q ?? ''}"></label>
<label for="status">State<select id="status" name="status">
<option value="">Any</option>
${ORDER_STATES.map((state) => html`<option value="${state}"${query.status === state ? html` selected` : ''}>${state}</option>`)}
</select></label>
<button type="submit">Search</button>
</form>`;
}

export const ordersBody = (view: OrdersView) =>
  html`<h1>Orders</h1>
${ordersFilters(view.query)}
${ordersSection(view)}`;
