# A float32 scene as GDAL writes one (an elevation model or a probability map): three bands of smooth values with
# negative numbers, NaN pixels and pixels of the nodata value -9999, which the band's nodata declares.
# Usage: python3 float-scene.py OUT.tif WIDTH HEIGHT
import sys

import numpy as np
from osgeo import gdal

w, h = int(sys.argv[2]), int(sys.argv[3])
y, x = np.mgrid[0:h, 0:w].astype(np.float64)
bands = [np.sin(x / 17.0) * np.cos(y / 11.0) * 1000.0 + x * 0.001,
         (x - y) * 3.25 - 100.0,
         np.hypot(x - w / 2, y - h / 2) / 7.0]
xi, yi = x.astype(np.int64), y.astype(np.int64)
out = gdal.GetDriverByName('GTiff').Create(sys.argv[1], w, h, len(bands), gdal.GDT_Float32)
for i, a in enumerate(bands):
    a = a.astype(np.float32)
    a[(xi * 7 + yi * 3 + i) % 97 == 0] = np.nan
    a[(xi + yi * 5 + i) % 89 == 0] = -9999
    band = out.GetRasterBand(i + 1)
    band.WriteArray(a)
    band.SetNoDataValue(-9999)
out = None
