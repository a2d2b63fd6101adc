// The interactive API page: Swagger UI over the service's own description. The description is behind the API token
// like the rest, so it is fetched the pages' way (asking for the token on a 401, keeping it in this tab), and every
// request tried from the page carries the token in a header, never in a URL.
(async () => {
  try {
    const spec = await Lip.json('/v3/api-docs');
    window.lipApi = SwaggerUIBundle({
      spec, dom_id: '#api', deepLinking: true,
      requestInterceptor: request => { Object.assign(request.headers, Lip.headers()); return request; },
    });
  } catch (e) {
    document.getElementById('error').textContent = e.message;
  }
})();
