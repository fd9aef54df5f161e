// The dashboard's only script (served from /assets/dashboard.js, allowed by the content-security-policy): draws charts from the
// data a page embeds, and keeps a live report fresh. Pages work without it.
(function () {
  for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
    const spec = JSON.parse(canvas.dataset.chart);
    // eslint-disable-next-line no-undef
    new Chart(canvas, spec);
  }
  const live = document.querySelector('[data-live-report]');
  if (live) {
    const refresh = async () => {
      const response = await fetch(live.dataset.liveReport, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (response.ok) live.innerHTML = await response.text();
      if (!live.querySelector('[data-finished]')) setTimeout(refresh, 1000);
    };
    if (!live.querySelector('[data-finished]')) setTimeout(refresh, 1000);
  }
})();
