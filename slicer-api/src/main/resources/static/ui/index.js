// The jobs page: an upload form (resumable through tus) and the jobs, refreshed every second.
(() => {
  const $ = id => document.getElementById(id);
  let algorithms = [];
  let file = null;

  async function loadAlgorithms() {
    algorithms = await Lip.json('/api/v1/algorithms');
    $('algorithm').replaceChildren(...algorithms.map(a => Lip.el('option', { value: a.name, textContent: a.name, title: a.description })));
    $('algorithm').value = 'threshold';
    showParameters();
  }

  function showParameters() {
    const a = algorithms.find(x => x.name === $('algorithm').value);
    $('params').replaceChildren(...(a ? a.parameters : []).map(p => Lip.el('label', { title: p.description + ' (' + p.allowed + ')' },
      p.name, Lip.el('input', { name: p.name, placeholder: p.defaultValue, className: 'param', style: 'width:110px' }))));
  }

  function choose(f) {
    file = f;
    $('drop').firstChild.textContent = f ? f.name + ' (' + Lip.bytes(f.size) + ') ' : 'Drop an image here or ';
    if (f) $('source').value = '';
    ready();
  }

  // an image by reference (read by the service itself) instead of a file from here
  function ready() {
    const source = $('source').value.trim();
    $('start').disabled = !file && !source;
    $('start').textContent = source ? 'Process' : 'Upload and process';
  }

  function jobQuery() {
    const q = new URLSearchParams({ algorithm: $('algorithm').value, tileSize: $('tileSize').value,
      overlap: $('overlap').value, resultFormat: $('resultFormat').value, preview: $('preview').checked });
    if ($('destination').value.trim()) q.set('destination', $('destination').value.trim());
    document.querySelectorAll('#params input').forEach(i => { if (i.value.trim()) q.set(i.name, i.value.trim()); });
    return q;
  }

  async function start() {
    $('uploadError').textContent = '';
    $('start').disabled = true;
    const began = performance.now();
    try {
      const q = jobQuery();
      const source = $('source').value.trim();
      if (source) {
        q.set('source', source);
        $('upload').textContent = 'The service is reading ' + source + ' ...';
      } else {
        q.set('name', file.name);
        // a mistake in the parameters is reported before the first byte is sent
        await Lip.json('/api/v1/jobs/check?' + q, { method: 'POST' });
        q.set('upload', await Tus.upload(file, done => {
          const s = (performance.now() - began) / 1000;
          const rate = done / Math.max(s, 0.001);
          const eta = rate > 0 ? (file.size - done) / rate : 0;
          $('upload').textContent = 'Uploading ' + Lip.bytes(done) + ' of ' + Lip.bytes(file.size) + ' ('
            + Math.floor(100 * done / file.size) + ' %), ' + Lip.bytes(rate) + '/s, ' + Lip.seconds(eta) + ' left';
        }));
      }
      const job = await Lip.json('/api/v1/jobs?' + q, { method: 'POST' });
      await Lip.json('/api/v1/jobs/' + job.id + '/result', { method: 'POST' });
      location.href = '/jobs/' + job.id;
    } catch (e) {
      $('upload').textContent = '';
      $('uploadError').textContent = e.message;
      ready();
    }
  }

  async function refresh() {
    try {
      const jobs = await Lip.json('/api/v1/jobs');
      $('jobsError').textContent = '';
      $('jobs').replaceChildren(...jobs.reverse().map(j => {
        const p = j.patches || { total: 0, processed: 0 };
        const pct = p.total ? Math.floor(100 * p.processed / p.total) : 0;
        const ended = Lip.terminal(j.state);
        const button = Lip.el('button', { textContent: ended ? 'Delete' : 'Cancel' });
        const what = (j.name || j.id.substring(0, 8));
        button.onclick = async () => {
          if (!confirm(ended ? 'Delete job ' + what + ' and its result?' : 'Cancel job ' + what + '?')) return;
          await Lip.api('/api/v1/jobs/' + j.id, { method: 'DELETE' });
          refresh();
        };
        return Lip.el('tr', {},
          Lip.el('td', {}, Lip.el('a', { href: '/jobs/' + j.id, textContent: j.id.substring(0, 8) })),
          Lip.el('td', { textContent: j.state }),
          Lip.el('td', { textContent: j.name || j.source || '', title: j.source || '' }),
          Lip.el('td', { textContent: j.image ? j.image.width + ' × ' + j.image.height + ' ' + j.image.format : '' }),
          Lip.el('td', { textContent: j.algorithm }),
          Lip.el('td', {}, Lip.el('span', { className: 'bar' }, Lip.el('span', { style: 'width:' + pct + '%' })),
            ' ' + p.processed + ' / ' + p.total),
          Lip.el('td', { textContent: Lip.age(j.createdAt) }),
          Lip.el('td', {}, button));
      }));
    } catch (e) {
      $('jobsError').textContent = e.message;
    }
  }

  $('algorithm').onchange = showParameters;
  $('file').onchange = e => choose(e.target.files[0]);
  $('source').oninput = ready;
  $('drop').ondragover = e => { e.preventDefault(); $('drop').classList.add('over'); };
  $('drop').ondragleave = () => $('drop').classList.remove('over');
  $('drop').ondrop = e => { e.preventDefault(); $('drop').classList.remove('over'); choose(e.dataTransfer.files[0]); };
  $('start').onclick = start;
  loadAlgorithms().then(refresh);
  setInterval(refresh, 1000);
})();
