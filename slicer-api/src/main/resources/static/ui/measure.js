// Where a pixel is and how large it is, from the job's placement (what its input states): a slide's pixel size in
// micrometres, or a scene's GeoTIFF georeference (tie point and pixel scale, or a transformation matrix, and the
// CRS from its GeoKey directory). For the viewer's scale bar and cursor position; nothing here guesses a size the
// input does not state.
const Measure = (() => {
  const PROJECTED_CRS = 3072, GEOGRAPHIC_CRS = 2048, LINEAR_UNITS = 3076, METRE = 9001;

  function geoKey(directory, key) {
    if (!directory || directory.length < 4) return null;
    for (let i = 4; i + 3 < directory.length && i < 4 + 4 * directory[3]; i += 4) {
      if (directory[i] === key && directory[i + 1] === 0) return directory[i + 3]; // the value is in the entry
    }
    return null;
  }

  // pixel (x, y) to map coordinates: the transformation matrix when given, else tie point and scale
  function transform(geo) {
    const m = geo.modelTransformation;
    if (m && m.length >= 16) return (x, y) => [m[0] * x + m[1] * y + m[3], m[4] * x + m[5] * y + m[7]];
    const t = geo.modelTiepoint, s = geo.modelPixelScale;
    if (t && t.length >= 6 && s && s.length >= 2) return (x, y) => [t[3] + (x - t[0]) * s[0], t[4] - (y - t[1]) * s[1]];
    return null;
  }

  function of(placement) {
    if (!placement) return null;
    const geo = placement.georeference;
    if (geo) {
      const toWorld = transform(geo);
      if (toWorld) {
        const projected = geoKey(geo.geoKeyDirectory, PROJECTED_CRS);
        const geographic = geoKey(geo.geoKeyDirectory, GEOGRAPHIC_CRS);
        const units = geoKey(geo.geoKeyDirectory, LINEAR_UNITS);
        const crs = projected && projected !== 32767 ? 'EPSG:' + projected
          : geographic && geographic !== 32767 ? 'EPSG:' + geographic : 'CRS of the input';
        const [x0, y0] = toWorld(0, 0), [x1] = toWorld(1, 0);
        const metres = !!projected && (units === null || units === METRE);
        return { kind: 'map', crs, toWorld, unit: metres ? 'm' : null, perPixel: metres ? Math.abs(x1 - x0) : null,
          origin: [x0, y0] };
      }
    }
    const size = placement.pixelSize;
    if (size && size.micronsX > 0) {
      return { kind: 'slide', unit: 'µm', perPixel: size.micronsX, perPixelY: size.micronsY || size.micronsX };
    }
    return null;
  }

  // a length of 1, 2 or 5 times a power of ten, at most maxUnits, written in the unit that reads best
  function niceLength(maxUnits, unit) {
    const p = Math.pow(10, Math.floor(Math.log10(maxUnits)));
    const n = maxUnits >= 5 * p ? 5 * p : maxUnits >= 2 * p ? 2 * p : p;
    let label;
    if (unit === 'µm') label = n >= 1000 ? (n / 1000) + ' mm' : n + ' µm';
    else label = n >= 1000 ? (n / 1000) + ' km' : n + ' m';
    return { length: n, label };
  }

  function format(v, digits) {
    return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits, useGrouping: false });
  }

  // the cursor's place: pixels, and micrometres or map coordinates where the input states them
  function describe(m, x, y) {
    let s = 'x ' + Math.floor(x) + ', y ' + Math.floor(y) + ' px';
    if (!m) return s;
    if (m.kind === 'slide') return s + ' · ' + format(x * m.perPixel, 1) + ' µm, ' + format(y * m.perPixelY, 1) + ' µm';
    const [X, Y] = m.toWorld(x, y);
    const digits = m.unit === 'm' ? 1 : 6;
    return s + ' · ' + format(X, digits) + ', ' + format(Y, digits) + ' (' + m.crs + ')';
  }

  return { of, niceLength, describe };
})();
