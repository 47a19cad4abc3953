#!/usr/bin/python3
"""Repackages copernicus_ndvi_lt_21june_france.tif (real Copernicus Global Land NDVI digital numbers) in the
Copernicus Global Land NetCDF layout: variable NDVI, uint8, scale_factor 0.004, add_offset -0.08, _FillValue 255,
lat/lon coordinates. The mean DNs of the aggregated GeoTIFF are rounded to whole DNs (at most 0.002 NDVI).
Run in tests/data/satellite with /usr/bin/python3 (GDAL and netCDF4 bindings)."""
from osgeo import gdal
import numpy as np
import netCDF4

d = gdal.Open("copernicus_ndvi_lt_21june_france.tif")
a = d.GetRasterBand(1).ReadAsArray()
gt = d.GetGeoTransform()
ny, nx = a.shape
dn = np.where(np.isnan(a), 255, np.clip(np.round(a), 0, 250)).astype("u1")
nc = netCDF4.Dataset("c_gls_NDVI-LTS_199906210000_FRANCE_sample.nc", "w", format="NETCDF4")
nc.createDimension("lat", ny)
nc.createDimension("lon", nx)
lat = nc.createVariable("lat", "f8", ("lat",))
lon = nc.createVariable("lon", "f8", ("lon",))
lat[:] = gt[3] + gt[5] * (np.arange(ny) + 0.5)
lon[:] = gt[0] + gt[1] * (np.arange(nx) + 0.5)
lat.units, lat.standard_name = "degrees_north", "latitude"
lon.units, lon.standard_name = "degrees_east", "longitude"
crs = nc.createVariable("crs", "i4")
crs.grid_mapping_name = "latitude_longitude"
crs.spatial_ref = d.GetProjection()
v = nc.createVariable("NDVI", "u1", ("lat", "lon"), fill_value=np.uint8(255), zlib=True)
v.set_auto_maskandscale(False)
v[:] = dn
v.scale_factor = np.float32(0.004)
v.add_offset = np.float32(-0.08)
v.long_name = "Normalized Difference Vegetation Index"
v.valid_range = np.array([0, 250], dtype="u1")
v.grid_mapping = "crs"
v.units = "-"
nc.Conventions = "CF-1.6"
nc.title = ("Copernicus Global Land NDVI long-term statistic for 21 June (1999-2017), France sample, repackaged in "
            "the Copernicus NetCDF layout (see SOURCE.md)")
nc.close()
