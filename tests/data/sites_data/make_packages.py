"""Writes the site packages of tests/data/sites_data/ (made-up values; SOURCE.md lists the defects).

Usage: python3 tests/data/sites_data/make_packages.py   (rewrites the package folders beside it)
"""
import json, os, shutil, copy
root = os.path.dirname(os.path.abspath(__file__))
for d in os.listdir(root):
    if os.path.isfile(os.path.join(root, d, "datapackage.json")):
        shutil.rmtree(os.path.join(root, d))
def field(name, type_, desc, unit=None, **cons):
    f = {"name": name, "type": type_, "description": desc + (f" Unit: {unit}." if unit else "")}
    if unit: f["unit"] = unit
    if cons: f["constraints"] = cons
    return f
desc = {
  "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
  "name": "mini",
  "title": "A small made-up site package for the tests of alamod sites",
  "description": "Made-up values (not measurements): two tillage treatments, layered profiles, one layer without bulk density, concentrations in percent.",
  "version": "1.0.0",
  "licenses": [{"name": "CC0-1.0", "path": "https://creativecommons.org/publicdomain/zero/1.0/", "title": "CC0 1.0"}],
  "sources": [{"title": "Made up for tests/integration/test_sites_data.py (alamod)", "path": "https://example.org/alamod-tests"}],
  "contributors": [{"title": "alamod", "roles": ["creator"]}],
  "resources": [
    {"name": "site", "type": "table", "path": "site.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
     "schema": {"fields": [
        field("site_id", "string", "Site identifier.", required=True, pattern="^[a-z0-9][a-z0-9_]*$"),
        field("site_name", "string", "Site name.", required=True),
        field("latitude", "number", "Latitude WGS84.", "degrees_north", minimum=-90, maximum=90),
        field("longitude", "number", "Longitude WGS84.", "degrees_east", minimum=-180, maximum=180),
        field("country", "string", "ISO 3166-1 alpha-2.", required=True, pattern="^[A-Z]{2}$"),
        field("land_use", "string", "Land use.", required=True, enum=["cropland", "grassland", "bare", "forest"]),
        field("clay_pct", "number", "Clay of the topsoil.", "percent", minimum=0, maximum=100),
        field("silt_pct", "number", "Silt of the topsoil.", "percent", minimum=0, maximum=100),
        field("licence", "string", "SPDX id of the data licence.", required=True),
        field("citation", "string", "How to cite the data.", required=True)],
      "missingValues": [""], "primaryKey": ["site_id"]}},
    {"name": "treatments", "type": "table", "path": "treatments.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
     "schema": {"fields": [
        field("site_id", "string", "Site identifier.", required=True),
        field("treatment_id", "string", "Treatment identifier.", required=True),
        field("description", "string", "Treatment.", required=True),
        field("start_year", "integer", "First year of the treatment.", "yr"),
        field("end_year", "integer", "Last year of the treatment.", "yr")],
      "missingValues": [""], "primaryKey": ["site_id", "treatment_id"],
      "foreignKeys": [{"fields": ["site_id"], "reference": {"resource": "site", "fields": ["site_id"]}}]}},
    {"name": "soc_observations", "type": "table", "path": "soc_observations.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
     "schema": {"fields": [
        field("site_id", "string", "Site identifier.", required=True),
        field("treatment_id", "string", "Treatment identifier.", required=True),
        field("plot_id", "string", "Plot.", required=True),
        field("observation_date", "string", "Sampling date, ISO 8601.", required=True),
        field("observation_year", "integer", "Sampling year.", "yr", required=True),
        field("layer_top", "number", "Top of the layer.", "cm", required=True, minimum=0, maximum=300),
        field("layer_bot", "number", "Bottom of the layer.", "cm", required=True, minimum=0, maximum=300),
        field("soc", "number", "Organic carbon of the fine earth.", "percent", minimum=0, maximum=60),
        field("bd_samp", "number", "Bulk density of the fine earth.", "kg m-3", minimum=300, maximum=2200),
        field("soc_stock", "number", "SOC stock of the layer.", "t ha-1", minimum=0, maximum=1000),
        field("soc_stock_method", "string", "How the stock was obtained.", required=True,
              enum=["fixed_depth", "none"]),
        field("qc_flag", "string", "Quality flag.", required=True, enum=["ok", "estimated_by_source", "unverified"])],
      "missingValues": [""], "primaryKey": ["site_id", "treatment_id", "plot_id", "observation_date", "layer_top", "layer_bot"],
      "foreignKeys": [{"fields": ["site_id"], "reference": {"resource": "site", "fields": ["site_id"]}},
                      {"fields": ["site_id", "treatment_id"], "reference": {"resource": "treatments", "fields": ["site_id", "treatment_id"]}}]}}
  ]}
site = "site_id,site_name,latitude,longitude,country,land_use,clay_pct,silt_pct,licence,citation\nmini,Made-up tillage trial,48.8,2.1,FR,cropland,20,50,CC0-1.0,\"Made up for the alamod tests, not data\"\n"
treat = "site_id,treatment_id,description,start_year,end_year\nmini,ct,conventional tillage,2010,2020\nmini,nt,no tillage,2010,2020\n"
obs_head = "site_id,treatment_id,plot_id,observation_date,observation_year,layer_top,layer_bot,soc,bd_samp,soc_stock,soc_stock_method,qc_flag\n"
obs_rows = [
 "mini,ct,1,2020-03-15,2020,0,10,1.5,1300,19.5,fixed_depth,ok",
 "mini,ct,1,2020-03-15,2020,10,30,1.0,1450,29,fixed_depth,ok",
 "mini,nt,1,2020-03-15,2020,0,10,1.8,1200,21.6,fixed_depth,ok",
 "mini,nt,1,2020-03-15,2020,10,30,1.0,1500,30,fixed_depth,ok",
 "mini,ct,2,2020-03-15,2020,0,20,1.2,,,none,ok",
]
def write(d, files):
    os.makedirs(d, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(d, name), 'w') as f: f.write(text)
def pkg(dname, desc=desc, site=site, treat=treat, obs=None, raw_desc=None):
    obs = obs if obs is not None else obs_head + "\n".join(obs_rows) + "\n"
    write(os.path.join(root, dname), {"datapackage.json": raw_desc if raw_desc is not None else json.dumps(desc, indent=2) + "\n",
                                       "site.csv": site, "treatments.csv": treat, "soc_observations.csv": obs})
pkg("good")
# bad cases
txt = json.dumps(desc, indent=2) + "\n"
pkg("bad_json", raw_desc=txt.replace('"version": "1.0.0",', '"version": "1.0.0",,'))
rows = list(obs_rows); rows[1] = rows[1].replace(",10,30,", ",ten,30,")
pkg("wrong_type", obs=obs_head + "\n".join(rows) + "\n")
pkg("missing_column", obs="\n".join(",".join(l.split(",")[:-1]) for l in [obs_head.strip()] + obs_rows) + "\n")
rows = list(obs_rows); rows[2] = rows[2] + ",extra"
pkg("ragged_row", obs=obs_head + "\n".join(rows) + "\n")
d2 = copy.deepcopy(desc)
d2["resources"][2]["schema"]["fields"][7]["unit"] = "g C kg-1"
d2["resources"][2]["schema"]["fields"][8]["unit"] = "furlongs per fortnight squared"
pkg("bad_units", desc=d2)
rows = list(obs_rows); rows[3] = rows[3].replace("mini,nt,", "mini,zt,")
pkg("foreign_key", obs=obs_head + "\n".join(rows) + "\n")
rows = list(obs_rows)
rows[1] = rows[1].replace(",10,30,1.0,1450,29,", ",5,30,1.0,1450,36.25,")  # overlaps 0-10 (stock kept right)
rows[2] = rows[2].replace(",21.6,", ",25.6,")                            # stock != soc x bd x depth
rows[3] = rows[3].replace(",ok", ",good")                                # not a QC flag of the format
rows[4] = rows[4].replace("2020-03-15,2020,0,20,", "2020-02-30,2020,20,20,")  # no such date; top == bottom
pkg("bad_content", obs=obs_head + "\n".join(rows) + "\n", treat=treat.replace("no tillage,2010,2020", "no tillage,2010,2000"))
d3 = copy.deepcopy(desc); del d3["licenses"]
pkg("no_licence", desc=d3, site=site.replace(",CC0-1.0,", ",,"))
with open(os.path.join(root, "SOURCE.md"), "w") as f:
    f.write("""# Site packages for the tests of `alamod sites` (tests/integration/test_sites_data.py)

Made-up values (not measurements), CC0-1.0, written by `make_packages.py`. `good/` is a valid package (concentrations in percent, bulk densities in kg m-3,
two-layer profiles for the equivalent-soil-mass stocks, one layer without bulk density for the
pedotransfer function). Each other folder is `good/` with defects, each reported as one line
`FILE:LINE:COLUMN: message`:

| folder | defect |
|---|---|
| `bad_json` | `datapackage.json` is not JSON (a doubled comma) |
| `wrong_type` | `soc_observations.csv`: `ten` in the number column `layer_top` |
| `missing_column` | `soc_observations.csv` lacks the `qc_flag` column its schema lists |
| `ragged_row` | `soc_observations.csv`: a row with one field too many |
| `bad_units` | the unit of `soc` is `g C kg-1` (UDUNITS reads C as the coulomb), that of `bd_samp` is not a unit |
| `foreign_key` | an observation of treatment `zt`, which `treatments.csv` does not have |
| `bad_content` | a treatment that ends before it starts, overlapping layers, a stock that is not soc x bd x depth, a QC flag the schema does not allow, a date that does not exist, a layer with top = bottom |
| `no_licence` | no `licenses` in the descriptor and an empty `licence` in `site.csv` |
""")
print("ok")
