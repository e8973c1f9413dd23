import type { Connection } from '../../db/types.ts';
import type { TimelineEntry } from '../../queries/order-timeline.ts';
import type { orderDetailView } from '../api/order-views.ts';
import { html, type SafeHtml } from './html.ts';

type OrderDetailView = Awaited<ReturnType<typeof orderDetailView>>;

const at = (date: Date | string) => {
  const iso = typeof date === 'string' ? date : date.toISOString();
  return html`<time datetime="${iso}">${iso.replace('T', ' ').slice(0, 23)}</time>`;
};

const label = (connections: Map<string, Connection>, id: string | null) => {
  const connection = id ? connections.get(id) : undefined;
  return connection ? `${connection.connector} · ${connection.external_account}` : (id ?? '—');
};

function timelineRow(entry: TimelineEntry, connections: Map<string, Connection>): SafeHtml {
  switch (entry.kind) {
    case 'delivery':
      return html`<tr data-kind="delivery"><td>${at(entry.at)}</td><td>Inbound delivery</td>
<td>${entry.topic ?? '(no topic)'} from ${label(connections, entry.connectionId)}</td>
<td>${entry.status}${entry.attempts > 1 ? ` after ${entry.attempts} attempts` : ''}${entry.error ? html` <span class="error">${entry.error}</span>` : ''}</td></tr>`;
    case 'event':
      return html`<tr data-kind="event"><td>${at(entry.at)}</td><td>State</td><td>${entry.type}</td>
<td><code>${JSON.stringify(entry.detail)}</code></td></tr>`;
    case 'outbound':
      return html`<tr data-kind="outbound" data-operation="${entry.operation}"><td>${at(entry.at)}</td><td>Outbound call</td>
<td>${entry.operation} to ${label(connections, entry.connectionId)}</td>
<td>${entry.status}${entry.httpStatus ? ` (HTTP ${entry.httpStatus})` : ''}, ${entry.durationMs} ms${entry.error ? html` <span class="error">${entry.error}</span>` : ''}</td></tr>`;
  }
}

/** The part of the order page the live stream refreshes: state, shipments and the timeline. */
export function orderSection(
  order: OrderDetailView,
  timeline: TimelineEntry[],
  connections: Map<string, Connection>,
): SafeHtml {
  return html`<section id="order" data-live-src="/dashboard/orders/${order.id}/live" aria-label="Order state">
<p>State: <strong class="state" id="order-state">${order.status}</strong>${order.statusReason ? ` (${order.statusReason})` : ''}</p>
<h2>Shipments</h2>
${
  order.shipments.length
    ? html`<table><thead><tr><th scope="col">3PL</th><th scope="col">State</th><th scope="col">Lines</th><th scope="col">Tracking</th><th scope="col">Written back</th></tr></thead><tbody>
${order.shipments.map(
  (s) => html`<tr><td>${label(connections, s.fulfillmentConnectionId)}</td><td>${s.status}</td>
<td>${s.lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ')}</td>
<td>${s.tracking ? html`${s.tracking.carrier ?? ''} <span class="tracking">${s.tracking.number}</span>` : '—'}</td>
<td>${s.trackingWrittenBack ? 'yes' : 'no'}</td></tr>
${s.parcels.map(
  (
    p,
  ) => html`<tr data-kind="parcel"><td>↳ parcel ${p.externalId}${p.location ? ` from ${p.location}` : ''}</td><td>${p.status}</td>
<td>${p.lines ? p.lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ') : '—'}</td>
<td>${p.tracking ? html`${p.tracking.carrier ?? ''} <span class="tracking">${p.tracking.number}</span>` : '—'}</td>
<td>${p.trackingWrittenBack ? 'yes' : 'no'}</td></tr>`,
)}`,
)}</tbody></table>`
    : html`<p>No shipments yet.</p>`
}
<h2>Timeline</h2>
<table id="timeline"><thead><tr><th scope="col">When</th><th scope="col">Kind</th><th scope="col">What</th><th scope="col">Outcome</th></tr></thead>
<tbody>${timeline.map((entry) => timelineRow(entry, connections))}</tbody></table>
</section>`;
}

export function orderBody(options: {
  order: OrderDetailView;
  timeline: TimelineEntry[];
  connections: Map<string, Connection>;
  csrfToken: string;
  notice?: string | undefined;
}): SafeHtml {
  const { order, timeline, connections, csrfToken, notice } = options;
  return html`<p><a href="/dashboard/orders">← Orders</a></p>
<h1>Order ${order.name ?? order.sourceOrderId}</h1>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
<form method="post" action="/dashboard/orders/${order.id}/retry">
<input type="hidden" name="_csrf" value="${csrfToken}">
<button type="submit">Retry</button>
</form>
<p>Storefront: ${label(connections, order.storefrontConnectionId)} · placed ${at(order.placedAt)}</p>
<h2>Lines</h2>
<table><thead><tr><th scope="col">SKU</th><th scope="col">Name</th><th scope="col">Quantity</th><th scope="col">Disposition</th></tr></thead><tbody>
${order.lines.map((l) => html`<tr><td>${l.sku ?? '—'}</td><td>${l.name}</td><td>${l.quantity}</td><td>${l.disposition}</td></tr>`)}
</tbody></table>
${orderSection(order, timeline, connections)}`;
}

export const notFoundBody = () =>
  html`<h1>Not found</h1><p>There is no such order, or it is not yours to see.</p><p><a href="/dashboard/orders">Back to the orders</a></p>`;
