// One job: its progress, refreshed twice a second until it ends, and the deep-zoom viewer of its input (the
// slicer's preview) with its result laid over it. Tiles are fetched with the token in a header (OpenSeadragon's
// ajax loading), never with it in a URL.
(() => {
  const $ = id => document.getElementById(id);
  const id = location.pathname.split('/').pop();
  const base = '/api/v1/jobs/' + id;
  let viewer = null;
  let layers = {};
  let lastProcessed = -1;
  let lastReset = 0;
  let wasDone = false;
  let askedForResult = false;
  $('jobId').textContent = id;

  function tileSource(layer, format, zoom, query) {
    return {
      width: zoom.width, height: zoom.height, tileSize: zoom.tileSize, tileOverlap: 0, minLevel: 0,
      maxLevel: zoom.maxLevel,
      getTileUrl: (level, x, y) => base + '/dzi/' + layer + '_files/' + level + '/' + x + '_' + y + '.' + format + query(),
    };
  }

  function resultQuery() {
    return $('tint').value ? '?tint=' + $('tint').value : '';
  }

  async function openViewer(job) {
    const r = await Lip.api(base + '/dzi/result.dzi');
    if (!r.ok) return;
    const xml = new DOMParser().parseFromString(await r.text(), 'application/xml');
    const image = xml.documentElement;
    const size = image.getElementsByTagName('Size')[0];
    const width = Number(size.getAttribute('Width'));
    const height = Number(size.getAttribute('Height'));
    const zoom = { width, height, tileSize: Number(image.getAttribute('TileSize')),
      maxLevel: Math.ceil(Math.log2(Math.max(width, height))) };
    viewer = OpenSeadragon({
      element: $('viewer'), showNavigationControl: false, drawer: 'canvas', imageSmoothingEnabled: false,
      maxZoomPixelRatio: 32, loadTilesWithAjax: true, ajaxHeaders: Lip.headers(), crossOriginPolicy: false,
      showNavigator: true,
    });
    window.lipViewer = viewer;
    measureWith(Measure.of(job.placement));
    if (job.resultFormat === 'tiff') {
      $('viewerNote').textContent = 'This result is one level (tiff): the viewer shows it at full resolution only, '
        + 'so zoom in to see it. A cog or ome-tiff result has every zoom level.';
    }
    if (job.preview) {
      viewer.addTiledImage({ tileSource: tileSource('input', 'jpg', zoom, () => ''), index: 0,
        success: e => { layers.input = e.item; applyLayers(); } });
    } else {
      $('showInput').disabled = true;
      $('viewerNote').textContent = 'This job has no input preview (preview=true when submitting).';
    }
    addResult(zoom);
    layers.zoom = zoom;
  }

  function addResult(zoom) {
    if (layers.result) viewer.world.removeItem(layers.result);
    viewer.addTiledImage({ tileSource: tileSource('result', 'png', zoom, resultQuery),
      success: e => { layers.result = e.item; applyLayers(); } });
  }

  // OpenSeadragon marks a tile that answered 404 as missing for good (tile.exists = false, never asked for again),
  // but a tile of a running job is missing only until the job gets there: revive those, then drop the tiles drawn
  // so far (live tiles are sketches of the part done), so that the view is fetched anew.
  function refresh(item) {
    for (const level of Object.values(item.tilesMatrix || {})) {
      for (const column of Object.values(level)) {
        for (const tile of Object.values(column)) {
          if (tile.exists === false) tile.exists = true;
        }
      }
    }
    item.reset();
  }

  // the scale bar (where the input states a pixel size in length units) and the cursor's position
  function measureWith(m) {
    const bar = $('scaleBar');
    function scale() {
      const item = viewer.world.getItemAt(0);
      if (!m || !m.unit || !m.perPixel || !item) { bar.hidden = true; return; }
      const screenPerPixel = item.viewportToImageZoom(viewer.viewport.getZoom(true));
      const unitsPerScreenPixel = m.perPixel / screenPerPixel;
      const nice = Measure.niceLength(160 * unitsPerScreenPixel, m.unit);
      bar.hidden = false;
      bar.querySelector('span').textContent = nice.label;
      bar.querySelector('div').style.width = Math.round(nice.length / unitsPerScreenPixel) + 'px';
    }
    viewer.addHandler('animation', scale);
    viewer.addHandler('open', scale);
    viewer.world.addHandler('add-item', scale);
    new OpenSeadragon.MouseTracker({
      element: viewer.container,
      moveHandler: e => {
        const item = viewer.world.getItemAt(0);
        if (!item) return;
        const p = item.viewerElementToImageCoordinates(e.position);
        const inside = layers.zoom && p.x >= 0 && p.y >= 0 && p.x < layers.zoom.width && p.y < layers.zoom.height;
        $('cursor').textContent = inside ? Measure.describe(m, p.x, p.y) : '';
      },
      leaveHandler: () => { $('cursor').textContent = ''; },
    });
  }

  function applyLayers() {
    if (layers.input) layers.input.setOpacity($('showInput').checked ? 1 : 0);
    if (layers.result) layers.result.setOpacity($('showResult').checked ? $('opacity').value / 100 : 0);
  }

  function show(job) {
    document.title = 'Job ' + id.substring(0, 8) + ' · ' + job.state;
    $('state').textContent = job.state;
    const p = job.patches || { total: 0, processed: 0, sliced: 0, failed: 0 };
    if (!job.upload) { // while its image arrives, showReceiving says how much
      $('bar').style.width = (p.total ? 100 * p.processed / p.total : 0) + '%';
      $('progress').textContent = p.processed + ' of ' + p.total + ' patches processed (' + p.sliced + ' sliced'
        + (p.failed ? ', ' + p.failed + ' failed' : '') + ')';
    }
    $('title').textContent = (job.name ? job.name + ' · ' : '')
      + (job.image ? job.image.width + ' × ' + job.image.height + ' ' + job.image.format : '');
    $('summary').textContent = job.algorithm + ' ' + JSON.stringify(job.parameters || {}) + (job.grid
      ? ', tiles of ' + job.grid.tileSize + ' (+' + job.grid.overlap + ' halo)' : '') + ', result ' + job.resultFormat;
    $('stages').replaceChildren(...Object.entries(job.stages || {}).map(([name, s]) => Lip.el('tr', {},
      Lip.el('td', { textContent: name }), Lip.el('td', { textContent: Lip.age(s.startedAt) }),
      Lip.el('td', { textContent: s.seconds != null ? Lip.seconds(s.seconds) : 'running' }))));
    $('where').textContent = [job.source ? 'Image read from ' + job.source : '',
      job.resultObject ? 'Result uploaded to ' + job.resultObject.url + ' (' + Lip.bytes(job.resultObject.bytes) + ')'
        : job.destination ? 'Result to be uploaded to ' + job.destination : ''].filter(Boolean).join('; ');
    $('notes').replaceChildren(...(job.notes || []).map(n => Lip.el('li', { textContent: n })));
    $('error').textContent = job.error || '';
    if (job.result) {
      $('download').hidden = false;
      $('download').textContent = 'Download the result (' + Lip.bytes(job.result.bytes) + ')';
    }
  }

  // a job made with its resumable upload: how much of the image has arrived, from the upload itself (tus HEAD)
  // (a JPEG, PNG or TIFF is sliced as it arrives: then the patches too)
  async function showReceiving(upload, job) {
    try {
      const r = await Lip.api('/api/v1/uploads/' + upload, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
      const done = Number(r.headers.get('Upload-Offset'));
      const total = Number(r.headers.get('Upload-Length'));
      if (!r.ok || !(total > 0)) return;
      const p = job.patches || { total: 0, processed: 0, sliced: 0 };
      $('bar').style.width = (100 * done / total) + '%';
      $('progress').textContent = 'Receiving the image: ' + Lip.bytes(done) + ' of ' + Lip.bytes(total)
        + ' (' + Math.floor(100 * done / total) + ' %)' + (job.state !== 'RECEIVING' && p.total
          ? '; sliced as it arrives: ' + p.processed + ' of ' + p.total + ' patches processed' : '');
    } catch (e) {
      // the upload was taken by its job meanwhile: the next poll shows the job
    }
  }

  async function download(e) {
    e.preventDefault();
    const r = await Lip.api(base + '/result');
    const url = URL.createObjectURL(await r.blob());
    const a = Lip.el('a', { href: url, download: id + '.tif' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  async function poll() {
    let job;
    try {
      job = await Lip.json(base);
    } catch (e) {
      $('error').textContent = e.message;
      setTimeout(poll, 2000);
      return;
    }
    show(job);
    if (job.upload && !Lip.terminal(job.state)) await showReceiving(job.upload, job);
    if (!job.resultRequested && !Lip.terminal(job.state) && !askedForResult) {
      // a job submitted without asking for its result (lip upload) waits at PROCESSED until someone does: the
      // viewer is someone, and the stitch it starts is what it shows
      askedForResult = true;
      Lip.api(base + '/result', { method: 'POST' });
    }
    if (!viewer && job.image && job.grid) await openViewer(job);
    const processed = job.patches ? job.patches.processed + '/' + job.patches.sliced : '';
    // the tiles drawn so far show the job as it was: look again as it goes on, and once when the result is whole
    const due = processed !== lastProcessed && Date.now() - lastReset > 2000;
    if (viewer && layers.zoom && (due || (job.state === 'DONE' && !wasDone))) {
      lastReset = Date.now();
      if (lastProcessed !== -1) {
        if (layers.result) refresh(layers.result);
        if (layers.input) refresh(layers.input);
      }
      lastProcessed = processed;
    }
    wasDone = job.state === 'DONE';
    document.body.dataset.state = job.state;
    if (!Lip.terminal(job.state)) setTimeout(poll, 500);
  }

  $('showInput').onchange = applyLayers;
  $('showResult').onchange = applyLayers;
  $('opacity').oninput = applyLayers;
  $('tint').onchange = () => layers.zoom && addResult(layers.zoom);
  $('download').onclick = download;
  $('zoomIn').onclick = () => viewer && viewer.viewport.zoomBy(1.5).applyConstraints();
  $('zoomOut').onclick = () => viewer && viewer.viewport.zoomBy(1 / 1.5).applyConstraints();
  $('home').onclick = () => viewer && viewer.viewport.goHome();
  $('fullScreen').onclick = () => viewer && viewer.setFullScreen(!viewer.isFullPage());
  poll();
})();
