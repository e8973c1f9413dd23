// Live updates for the dashboard: one server-sent event stream per page. When the server says
// orders changed, the page's live region (an element with data-live-src) is fetched again and
// replaced. The indicator in the header says whether the stream is connected; EventSource
// reconnects by itself after a drop.
(() => {
  const indicator = document.getElementById('live');
  const show = (state, text) => {
    if (!indicator) return;
    indicator.dataset.state = state;
    indicator.textContent = text;
  };
  const refresh = async () => {
    for (const region of document.querySelectorAll('[data-live-src]')) {
      const response = await fetch(region.dataset.liveSrc, { headers: { accept: 'text/html' } });
      if (response.ok) region.outerHTML = await response.text();
    }
  };
  const source = new EventSource('/dashboard/events');
  source.addEventListener('open', () => show('live', 'Live'));
  source.addEventListener('error', () => show('disconnected', 'Disconnected: updates paused, reconnecting…'));
  source.addEventListener('orders', () => {
    refresh().catch(() => show('disconnected', 'Disconnected: could not refresh'));
  });
})();
