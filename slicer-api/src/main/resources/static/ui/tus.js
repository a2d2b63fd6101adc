// A small tus 1.0 client (creation, core and HEAD for resuming) over slicer-api's /api/v1/uploads: written here
// rather than vendoring tus-js-client because the page needs three requests and progress events. An interrupted
// upload of the same file (name, size, modification time) continues from the server's offset.
const Tus = (() => {
  const CHUNK = 32 * 1024 * 1024;
  const V = { 'Tus-Resumable': '1.0.0' };

  function patch(url, offset, blob, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PATCH', url);
      const h = Lip.headers({ ...V, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' });
      Object.entries(h).forEach(([k, v]) => xhr.setRequestHeader(k, v));
      xhr.upload.onprogress = e => onProgress(offset + e.loaded);
      xhr.onload = () => xhr.status === 204 ? resolve(Number(xhr.getResponseHeader('Upload-Offset')))
        : reject(new Error(problem(xhr)));
      xhr.onerror = () => reject(new Error('the connection to the service failed'));
      xhr.send(blob);
    });
  }

  function problem(xhr) {
    try { return JSON.parse(xhr.responseText).detail; } catch (e) { return xhr.status + ' ' + xhr.statusText; }
  }

  /** Uploads the file; returns the upload's id. onProgress(bytesDone) is called as bytes leave. */
  async function upload(file, onProgress) {
    const key = 'lip-tus:' + file.name + ':' + file.size + ':' + file.lastModified;
    let url = localStorage.getItem(key);
    let offset = 0;
    if (url) {
      const r = await Lip.api(url, { method: 'HEAD', headers: V });
      if (r.ok) offset = Number(r.headers.get('Upload-Offset')); else url = null;
    }
    if (!url) {
      const name = btoa(unescape(encodeURIComponent(file.name)));
      const r = await Lip.api('/api/v1/uploads', { method: 'POST',
        headers: { ...V, 'Upload-Length': String(file.size), 'Upload-Metadata': 'filename ' + name } });
      if (r.status !== 201) throw new Error((await r.json().catch(() => ({}))).detail || 'the upload was refused');
      url = new URL(r.headers.get('Location'), location.href).pathname;
      localStorage.setItem(key, url);
    }
    onProgress(offset);
    while (offset < file.size) {
      offset = await patch(url, offset, file.slice(offset, offset + CHUNK), onProgress);
    }
    localStorage.removeItem(key);
    return url.substring(url.lastIndexOf('/') + 1);
  }
  return { upload };
})();
