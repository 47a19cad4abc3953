#!/usr/bin/python3
"""Build the alamod site datasets under data/sites/<site_id>/ (Frictionless Data Package v2).

Each site folder holds datapackage.json (descriptor with a table schema, units and keys per CSV),
site.csv, treatments.csv, soc_observations.csv, forcing_<treatment_id>.csv (alamod site forcing
format, version 1) and, where the source has them, biomass_observations.csv or reference outputs.

Sources (real, published data; see data/sites/README.md for what is measured and what is assumed):
  rothamsted_lte/          e-RA Broadbalk, Hoosfield and Highfield Bare Fallow SOC; Highfield, Fosters and
                           Woburn ley-arable plot-level %SOC (CC BY 4.0)
  rothc_reference/         official RothC-26.3 example input and outputs (Apache-2.0)
  amg_params/              AMGv2 example TRIAL_1 and parameter tables (CeCILL-C)
  camels_fr_airgrdatasets/ CAMELS-FR daily climate of two catchments (CC BY 4.0)

Usage (Debian /usr/bin/python3 with numpy):
  /usr/bin/python3 scripts/make_site_datasets.py                     # reads ../shared/data
  /usr/bin/python3 scripts/make_site_datasets.py --shared data/sites/sources
The output is deterministic: a rerun gives byte-identical files.
"""
import argparse
import csv
import datetime
import gzip
import io
import json
import os
import re
import shutil
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DPK_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
TS_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
FORMAT_VERSION = "1"

# Source files that are copied into data/sites/sources/ (layout identical to the shared collection).
SOURCE_FILES = [
    "rothamsted_lte/SOURCE_COMMIT",
    "rothamsted_lte/BKSOC1843_Broadbalk_SOC_v2_Data.csv",
    "rothamsted_lte/BKSOC1843_Broadbalk_SOC_v2_Treatments.csv",
    "rothamsted_lte/HBSOC1852/01-HBSOC1852-data.csv",
    "rothamsted_lte/HBSOC1852/01-HBSOC1852.json",
    "rothamsted_lte/01-SOILCN5914/README.txt",
    "rothamsted_lte/01-SOILCN5914/soil_data.csv",
    "rothamsted_lte/01-SOILCN5914/notes_data.csv",
    "rothamsted_lte/01-HLA-SOC4814/README.txt",
    "rothamsted_lte/01-HLA-SOC4814/soil_data.csv",
    "rothamsted_lte/01-HLA-SOC4814/rotation_factor_data.csv",
    "rothamsted_lte/01-HLA-SOC4814/notes_data.csv",
    "rothamsted_lte/01-FLASOC5014/README.txt",
    "rothamsted_lte/01-FLASOC5014/soil_data.csv",
    "rothamsted_lte/01-FLASOC5014/rotation_factor_data.csv",
    "rothamsted_lte/01-FLASOC5014/notes_data.csv",
    "rothamsted_lte/01-wrn3-soc3809v2/README.txt",
    "rothamsted_lte/01-wrn3-soc3809v2/soil_data.csv",
    "rothamsted_lte/01-wrn3-soc3809v2/rotation_factor_data.csv",
    "rothamsted_lte/01-wrn3-soc3809v2/fym_factor_data.csv",
    "rothamsted_lte/01-wrn3-soc3809v2/notes_data.csv",
    "rothc_reference/RothC_input.dat",
    "rothc_reference/year_results.out",
    "rothc_reference/LICENSE.Apache-2.0",
    "rothc_reference/SOURCE_COMMIT",
    "amg_params/inputs_MANAGEMENT.csv",
    "amg_params/inputs_METEO.csv",
    "amg_params/inputs_SOIL.csv",
    "amg_params/parameters_PLANT.csv",
    "amg_params/parameters_EOM.csv",
    "amg_params/AMG_base_variable_list.csv",
    "amg_params/LICENCE.md",
    "amg_params/SOURCE_COMMIT",
    "camels_fr_airgrdatasets/E540031001_daily.csv.gz",
    "camels_fr_airgrdatasets/F439000101_daily.csv.gz",
    "camels_fr_airgrdatasets/catchments_metadata.csv",
    "camels_fr_airgrdatasets/CITATION.airGRdatasets",
    "camels_fr_airgrdatasets/DESCRIPTION.airGRdatasets",
    "camels_fr_airgrdatasets/SOURCE_COMMIT",
]

# ----------------------------------------------------------------------------------------------
# Licences and citations
# ----------------------------------------------------------------------------------------------
CC_BY = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
         "title": "Creative Commons Attribution 4.0 International"}
APACHE = {"name": "Apache-2.0", "path": "https://www.apache.org/licenses/LICENSE-2.0",
          "title": "Apache License 2.0"}
CECILL_C = {"name": "CECILL-C", "path": "https://cecill.info/licences/Licence_CeCILL-C_V1-en.html",
            "title": "CeCILL-C Free Software License Agreement"}

ERA_NOTE = ("Rothamsted relies on the integrity of users to ensure that Rothamsted Research receives "
            "suitable acknowledgment as being the originators of these data.")
CIT_BK = ("Rothamsted Research (2021). Broadbalk soil organic carbon content 1843-2015, version 2. "
          "Electronic Rothamsted Archive, Rothamsted Research, Harpenden, UK. "
          "https://doi.org/10.23637/KeyRefOABKsoc-02")
CIT_HB = ("Rothamsted Research (2012). Hoosfield soil organic carbon content (HBSOC1852). Electronic "
          "Rothamsted Archive, Rothamsted Research, Harpenden, UK. https://doi.org/10.23637/KeyRefOAHBsoc; "
          "Jenkinson, D.S. and Johnston, A.E. (1977) Soil organic matter in the Hoosfield continuous barley "
          "experiment. Rothamsted Report for 1976, Part 2, 87-101. https://doi.org/10.23637/ERADOC-1-34448")
CIT_HBF = ("Poulton, P.R., Macdonald, A.J., Gregory, A.S., Glendining, M.J. and Ostler, R.J. (2022). "
           "Highfield Bare Fallow soil chemical properties 1959-2014. Electronic Rothamsted Archive, "
           "Rothamsted Research, Harpenden, UK. https://doi.org/10.23637/rrs1-SOILCN1959-2014-01")
CIT_CLIM = ("Rothamsted monthly climate (temperature, rain, open-pan evaporation) 1939-2007 as carried in "
            "the official RothC example input, Rothamsted-Models/RothC_Code (Apache-2.0)")
CIT_ROTHC = ("Coleman, K. and Jenkinson, D.S. (1996) RothC-26.3 - A model for the turnover of carbon in soil. "
             "In: Evaluation of Soil Organic Matter Models, NATO ASI Series I 38, Springer, 237-246; "
             "Farina, R., Coleman, K. and Whitmore, A.P. (2013) Geoderma 200-201, 18-30 "
             "https://doi.org/10.1016/j.geoderma.2013.01.021; code and example data: "
             "https://github.com/Rothamsted-Models/RothC_Code")
CIT_AMG = ("Clivot, H., Mouny, J.-C., Duparque, A., Dinh, J.-L., Denoroy, P., Houot, S., Vertes, F., "
           "Trochard, R., Bouthier, A., Sagot, S. and Mary, B. (2019) Modeling soil organic carbon evolution "
           "in long-term arable experiments with AMG model. Environmental Modelling & Software 118, 99-113. "
           "https://doi.org/10.1016/j.envsoft.2019.04.004; AMG_base tables https://github.com/inrae/AMG_base, "
           "https://doi.org/10.57745/MEQQIX")
CIT_CAMELS = ("Delaigue, O., Brigode, P. and Thirel, G. airGRdatasets: Hydro-Meteorological Catchments "
              "Datasets for the 'airGR' Packages, R package version 0.2.3, "
              "https://doi.org/10.32614/CRAN.package.airGRdatasets (CAMELS-FR, INRAE; SAFRAN-based climate)")

ERA_CONTRIB = [
    {"title": "Rothamsted Research, Electronic Rothamsted Archive (e-RA)", "roles": ["publisher", "rightsHolder"],
     "path": "https://www.era.rothamsted.ac.uk"},
    {"title": "Andrew Macdonald", "givenName": "Andrew", "familyName": "Macdonald",
     "path": "https://orcid.org/0000-0002-1785-4892", "roles": ["projectLeader"]},
    {"title": "Paul Poulton", "givenName": "Paul", "familyName": "Poulton",
     "path": "https://orcid.org/0000-0002-5720-064X", "roles": ["researcher"]},
    {"title": "Margaret Glendining", "givenName": "Margaret", "familyName": "Glendining",
     "path": "https://orcid.org/0000-0002-6466-4629", "roles": ["dataCurator"]},
]

# ----------------------------------------------------------------------------------------------
# Assumed carbon inputs (NOT measured). t C ha-1 yr-1. See README "What is assumed".
# ----------------------------------------------------------------------------------------------
FYM_C_PER_35T = 3.0        # 35 t/ha fresh FYM ~ 3.0 t C/ha (Jenkinson et al. 1992; AMG bovine manure 83 kg C/t FW -> 2.9)
PLANT_LOW = 1.0            # unmanured / nil cereal (low-yield end of the 1.0-1.7 range used in RothC studies)
PLANT_PK = 1.2             # PK only: slightly higher yields than Nil
PLANT_HIGH = 1.7           # N-fertilised or FYM cereal (upper end of the range)
DPM_RPM_CROP = 1.44        # RothC default for agricultural crops

METHOD_LIT = ("assumed, not measured: literature-range RothC plant input for this yield class "
              "(unmanured/inorganic cereal plots at Rothamsted 1.0-1.7 t C ha-1 yr-1, e.g. Jenkinson et al. "
              "1992, Coleman et al. 1997), constant in time, all in the harvest month")


# ----------------------------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------------------------
def fmt(v, nd):
    """Deterministic number formatting; None/NaN -> empty."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, (float, np.floating)) and not np.isfinite(v):
        return ""
    if nd == 0:
        return str(int(round(v)))
    s = f"{float(v):.{nd}f}"
    if s.startswith("-") and float(s) == 0.0:
        s = s[1:]
    return s


def write_csv(path, header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


def field(name, ftype, desc, unit=None, **constraints):
    d = {"name": name, "type": ftype}
    d["description"] = desc + (f" Unit: {unit}." if unit else "")
    if unit:
        d["unit"] = unit
    if constraints:
        d["constraints"] = constraints
    return d


ID_PATTERN = "^[a-z0-9][a-z0-9_]*$"

SITE_FIELDS = [
    field("site_id", "string", "Site identifier (folder name).", required=True, unique=True, pattern=ID_PATTERN),
    field("site_name", "string", "Site name.", required=True),
    field("latitude", "number", "Latitude WGS84 (empty when the source is anonymised).", "degrees_north",
          minimum=-90, maximum=90),
    field("longitude", "number", "Longitude WGS84 (empty when the source is anonymised).", "degrees_east",
          minimum=-180, maximum=180),
    field("coordinates_note", "string", "Where the coordinates come from and how precise they are.", required=True),
    field("elevation_m", "number", "Elevation above sea level (empty when not in the sources).", "m",
          minimum=-100, maximum=5000),
    field("country", "string", "ISO 3166-1 alpha-2 country code.", required=True, pattern="^[A-Z]{2}$"),
    field("network", "string", "Experiment network or data collection.", required=True),
    field("land_use", "string", "Land use of the experiment.", required=True,
          enum=["cropland", "grassland", "bare", "forest"]),
    field("experiment_start_year", "integer", "First year of the experiment or record.", "yr", required=True,
          minimum=1800, maximum=2100),
    field("clay_pct", "number", "Clay content of the topsoil.", "percent", minimum=0, maximum=100),
    field("silt_pct", "number", "Silt content of the topsoil.", "percent", minimum=0, maximum=100),
    field("bulk_density_g_cm3", "number", "Topsoil bulk density.", "g cm-3", minimum=0.3, maximum=2.2),
    field("sampling_depth_cm", "number", "Depth of the topsoil layer the SOC stocks refer to.", "cm",
          required=True, minimum=1, maximum=200),
    field("soil_properties_source", "string", "Where clay, silt and bulk density come from (measured or assumed).",
          required=True),
    field("licence", "string", "SPDX identifier of the data licence.", required=True),
    field("citation", "string", "Required citation of the source data.", required=True),
]

TREAT_FIELDS = [
    field("site_id", "string", "Site identifier.", required=True, pattern=ID_PATTERN),
    field("treatment_id", "string", "Treatment identifier (forcing file forcing_<treatment_id>.csv).",
          required=True, pattern=ID_PATTERN),
    field("source_plot", "string", "Plot or treatment label in the source."),
    field("description", "string", "Treatment as described in the source.", required=True),
    field("start_year", "integer", "First year of the treatment (harvest year).", "yr", required=True,
          minimum=1, maximum=2100),
    field("end_year", "integer", "Last year covered here (harvest year).", "yr", required=True,
          minimum=1, maximum=2100),
    field("crop", "string", "Crop or rotation.", required=True),
    field("fertiliser", "string", "Mineral fertiliser.", required=True),
    field("manure_fresh_t_ha_yr", "number", "Farmyard manure / organic amendment, fresh weight, per application year.",
          "t ha-1 yr-1", required=True, minimum=0, maximum=200),
    field("manure_c_t_ha_yr", "number", "Carbon in the manure (fym column of the forcing), per application year.",
          "t ha-1 yr-1", required=True, minimum=0, maximum=20),
    field("residue_management", "string", "Fate of crop residues.", required=True,
          enum=["incorporated", "removed", "exported", "returned", "none", "mixed"]),
    field("c_input_t_ha_yr", "number", "Representative plant carbon input (c_input column of the forcing) during "
          "the main treatment period; NOT measured, see c_input_method.", "t ha-1 yr-1", required=True,
          minimum=0, maximum=20),
    field("c_input_method", "string", "How c_input was estimated (rule and literature).", required=True),
]

OBS_FIELDS = [
    field("site_id", "string", "Site identifier.", required=True, pattern=ID_PATTERN),
    field("treatment_id", "string", "Treatment identifier.", required=True, pattern=ID_PATTERN),
    field("plot_id", "string", "Plot or sub-plot label (source label; 'mean' for treatment means).", required=True),
    field("observation_date", "string", "Sampling date, ISO 8601 (YYYY-MM-DD, or YYYY when only the year is known).",
          required=True, pattern=r"^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$"),
    field("observation_year", "integer", "Sampling year.", "yr", required=True, minimum=1800, maximum=2100),
    field("layer_top", "number", "Top of the sampled layer.", "cm", required=True, minimum=0, maximum=300),
    field("layer_bot", "number", "Bottom of the sampled layer.", "cm", required=True, minimum=0, maximum=300),
    field("soc", "number", "Soil organic carbon concentration (empty when the source gives only stocks).", "g kg-1",
          minimum=0, maximum=600),
    field("bd_samp", "number", "Bulk density of the layer (fine earth) used for the stock, when the source gives it.",
          "g cm-3", minimum=0.3, maximum=2.2),
    field("soc_stock", "number", "SOC stock of the layer.", "t ha-1", minimum=0, maximum=1000),
    field("soc_stock_method", "string", "How the stock was obtained: source_pct_x_soil_weight (source: %SOC x "
          "measured/estimated soil weight of the layer), source_pct_x_standard_soil_weight (source: %SOC x a "
          "standard soil weight), source_equivalent_soil_mass (source: %SOC x standard soil weight, adjusted to "
          "an equivalent soil mass by including subsoil), source_reported (stock as given, method not stated), "
          "pct_x_source_bulk_density (computed here, not by the source: %SOC x the bulk density the source gives "
          "for that record x the layer thickness), none (no stock: the source gives no bulk density for this "
          "record, soc only).",
          required=True, enum=["source_pct_x_soil_weight", "source_pct_x_standard_soil_weight",
                               "source_equivalent_soil_mass", "source_reported", "pct_x_source_bulk_density",
                               "none"]),
    field("soc_stock_sd", "number", "Standard deviation of the stock (empty: not given by the source).", "t ha-1",
          minimum=0),
    field("n_rep", "integer", "Number of samples/sections averaged (empty: not stated).", "1", minimum=1),
    field("qc_flag", "string", "ok = measured value as published; estimated_by_source = the source itself marks "
          "the value as an estimate (e.g. starting values); unverified = value from a model example, sampling "
          "method unknown.", required=True, enum=["ok", "estimated_by_source", "unverified"]),
    field("note", "string", "Source notes for this record."),
]

BIOMASS_FIELDS = [
    field("site_id", "string", "Site identifier.", required=True, pattern=ID_PATTERN),
    field("treatment_id", "string", "Treatment identifier.", required=True, pattern=ID_PATTERN),
    field("year", "integer", "Harvest year.", "yr", required=True, minimum=1800, maximum=2100),
    field("crop_type", "string", "MC main crop, CC cover crop (AMG convention).", required=True, enum=["MC", "CC"]),
    field("crop_name", "string", "Crop (AMG parameters_PLANT name).", required=True),
    field("yield_dm", "number", "Yield of the harvested organ (main crop) or above-ground biomass (cover crop), "
          "dry matter (the AMG example gives water content 0).", "t ha-1", required=True, minimum=0, maximum=100),
    field("residues", "string", "Crop residue management.", required=True, enum=["Returned", "Exported"]),
    field("c_input_estimated", "number", "Plant C input derived from the yield with the AMGv2 allometry "
          "(see README).", "t ha-1 yr-1", required=True, minimum=0, maximum=20),
]

FORCING_VARS = {
    # name: (type, description, unit for monthly, unit for annual, constraints)
    "year": ("integer", "Calendar year.", "yr", "yr", {"required": True, "minimum": 1, "maximum": 2100}),
    "month": ("integer", "Month of the year.", "1", "1", {"required": True, "minimum": 1, "maximum": 12}),
    "tas": ("number", "Air temperature, mean over the step.", "degC", "degC",
            {"required": True, "minimum": -40, "maximum": 45}),
    "pr": ("number", "Precipitation total over the step.", "mm month-1", "mm yr-1",
           {"required": True, "minimum": 0, "maximum": 5000}),
    "evap": ("number", "Open-pan evaporation over the step (the Rothamsted record has a few small negative winter "
             "months, condensation, kept as in the source).", "mm month-1", "mm yr-1",
             {"required": True, "minimum": -50, "maximum": 3000}),
    "pet": ("number", "Potential evapotranspiration over the step.", "mm month-1", "mm yr-1",
            {"required": True, "minimum": 0, "maximum": 3000}),
    "c_input": ("number", "Plant carbon input to the soil over the step (assumed, see treatments.c_input_method).",
                "t ha-1 month-1", "t ha-1 yr-1", {"required": True, "minimum": 0, "maximum": 20}),
    "fym": ("number", "Farmyard-manure / organic-amendment carbon input over the step.", "t ha-1 month-1",
            "t ha-1 yr-1", {"required": True, "minimum": 0, "maximum": 20}),
    "cover": ("integer", "Soil cover: 1 vegetated, 0 bare.", "1", "1", {"required": True, "enum": [0, 1]}),
    "dpm_rpm_ratio": ("number", "RothC DPM/RPM ratio of the plant input.", "1", "1",
                      {"required": True, "minimum": 0, "maximum": 100}),
    "yield": ("number", "Dry-matter yield of the main crop.", "t ha-1", "t ha-1",
              {"required": True, "minimum": 0, "maximum": 100}),
    "x_modern": ("number", "Radiocarbon activity of the plant input, percent modern (RothC example).", "percent",
                 "percent", {"required": True, "minimum": 0, "maximum": 300}),
    "x_clim_obs": ("integer", "1 = climate of this month from the Rothamsted record 1939-2007 in the RothC example; "
                   "0 = monthly climatology of that record (years without data).", "1", "1",
                   {"required": True, "enum": [0, 1]}),
}

FORCING_FMT = {"year": 0, "month": 0, "tas": 2, "pr": 1, "evap": 1, "pet": 1, "c_input": 4, "fym": 4,
               "cover": 0, "dpm_rpm_ratio": 2, "yield": 2, "x_modern": 1, "x_clim_obs": 0}


def forcing_schema(cols, annual):
    fields = []
    for c in cols:
        t, desc, um, ua, cons = FORCING_VARS[c]
        fields.append(field(c, t, desc, ua if annual else um, **cons))
    pk = ["year"] if annual else ["year", "month"]
    return fields, pk


def write_forcing(path, meta, cols, rows, annual=False):
    """meta: list of (key, value, unit-or-None). rows: list of dicts. Returns (n_meta_lines)."""
    lines = [f"# alamod-site-forcing: {FORMAT_VERSION}"]
    for k, v, u in meta:
        if v is None or v == "":
            continue
        lines.append(f"# {k}: {v}" + (f" {u}" if u else ""))
    units = []
    for c in cols:
        _, _, um, ua, _ = FORCING_VARS[c]
        units.append(ua if annual else um)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    w.writerow(units)
    for r in rows:
        w.writerow([fmt(r[c], FORCING_FMT[c]) for c in cols])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(lines) + "\n" + buf.getvalue())
    return len(lines)


def resource_table(name, path, title, description, fields, pk, fks=None, dialect=None):
    schema = {"$schema": TS_PROFILE, "fields": fields, "missingValues": [""]}
    if pk:
        schema["primaryKey"] = pk
    if fks:
        schema["foreignKeys"] = fks
    r = {"name": name, "type": "table", "path": path, "title": title, "description": description,
         "format": "csv", "mediatype": "text/csv", "encoding": "utf-8"}
    if dialect:
        r["dialect"] = dialect
    r["schema"] = schema
    return r


FK_SITE = {"fields": ["site_id"], "reference": {"resource": "site", "fields": ["site_id"]}}
FK_TREAT = {"fields": ["site_id", "treatment_id"],
            "reference": {"resource": "treatments", "fields": ["site_id", "treatment_id"]}}


def site_row(d):
    out = []
    for f in SITE_FIELDS:
        v = d.get(f["name"])
        if isinstance(v, float):
            v = fmt(v, 5 if f["name"] in ("latitude", "longitude") else 3)
        out.append("" if v is None else str(v))
    return out


def treat_row(d):
    out = []
    for f in TREAT_FIELDS:
        v = d.get(f["name"])
        if isinstance(v, float):
            v = fmt(v, 3)
        out.append("" if v is None else str(v))
    return out


def obs_row(d):
    nd = {"layer_top": 1, "layer_bot": 1, "soc": 3, "bd_samp": 3, "soc_stock": 2, "soc_stock_sd": 2}
    out = []
    for f in OBS_FIELDS:
        v = d.get(f["name"])
        if isinstance(v, float):
            v = fmt(v, nd.get(f["name"], 3))
        out.append("" if v is None else str(v))
    return out


def write_package(outdir, site, treatments, obs, forcings, desc, sources, contributors, licenses, extra=None,
                  keywords=None):
    """Write site.csv, treatments.csv, soc_observations.csv and datapackage.json.
    forcings: list of (treatment_id, n_meta, cols, annual, description)."""
    os.makedirs(outdir, exist_ok=True)
    sid = site["site_id"]
    write_csv(os.path.join(outdir, "site.csv"), [f["name"] for f in SITE_FIELDS], [site_row(site)])
    write_csv(os.path.join(outdir, "treatments.csv"), [f["name"] for f in TREAT_FIELDS],
              [treat_row(t) for t in treatments])
    write_csv(os.path.join(outdir, "soc_observations.csv"), [f["name"] for f in OBS_FIELDS],
              [obs_row(o) for o in obs])
    resources = [
        resource_table("site", "site.csv", "Site description",
                       "One row: location, network, land use, soil properties, licence and citation.",
                       SITE_FIELDS, ["site_id"]),
        resource_table("treatments", "treatments.csv", "Treatments and management",
                       "Treatments with management and the ASSUMED carbon inputs (c_input_method says how).",
                       TREAT_FIELDS, ["site_id", "treatment_id"], [FK_SITE]),
        resource_table("soc_observations", "soc_observations.csv", "Soil organic carbon observations",
                       ("Measured SOC (ISCN3/SoDaH column names)." if obs else
                        "No SOC observations exist for this site: the table is intentionally empty."),
                       OBS_FIELDS, ["site_id", "treatment_id", "plot_id", "observation_date", "layer_top",
                                    "layer_bot"], [FK_SITE, FK_TREAT]),
    ]
    for tid, n_meta, cols, annual, fdesc in forcings:
        fields, pk = forcing_schema(cols, annual)
        dialect = {"$schema": "https://datapackage.org/profiles/2.0/tabledialect.json", "delimiter": ",",
                   "commentChar": "#", "headerRows": [n_meta + 1], "commentRows": [n_meta + 2]}
        r = resource_table(f"forcing_{tid}", f"forcing_{tid}.csv", f"Forcing, treatment {tid}",
                           fdesc + " alamod site forcing format version 1: '#' metadata lines first "
                           f"(physical rows 1-{n_meta}), then the column names, then a row of units "
                           f"(physical row {n_meta + 2}), then one row per {'year' if annual else 'month'}.",
                           fields, pk, dialect=dialect)
        r["x_alamodSiteForcing"] = {"version": FORMAT_VERSION, "treatment_id": tid,
                                    "step": "annual" if annual else "monthly", "metadataLines": n_meta,
                                    "unitsRow": True}
        resources.append(r)
    for r in (extra or []):
        resources.append(r)
    dp = {
        "$schema": DPK_PROFILE,
        "name": sid.replace("_", "-"),
        "id": f"alamod-site-{sid}",
        "title": site["site_name"],
        "description": desc,
        "version": "1.0.0",
        "keywords": keywords or ["soil organic carbon", "long-term experiment", "alamod"],
        "licenses": licenses,
        "sources": sources,
        "contributors": contributors,
        "x_alamod": {"site_id": sid, "generator": "scripts/make_site_datasets.py",
                     "forcing_format": "alamod site forcing format version 1 (data/sites/FORMAT.md)",
                     "column_conventions": "ISCN3 / SoDaH soil template names"},
        "resources": resources,
    }
    with open(os.path.join(outdir, "datapackage.json"), "w", encoding="utf-8", newline="") as f:
        f.write(json.dumps(dp, indent=2, ensure_ascii=False) + "\n")


# ----------------------------------------------------------------------------------------------
# Source readers
# ----------------------------------------------------------------------------------------------
def read_rothc_input(shared):
    path = os.path.join(shared, "rothc_reference", "RothC_input.dat")
    with open(path, encoding="latin-1") as f:
        lines = f.read().splitlines()
    soil = lines[7].split()
    props = {"clay": float(soil[0]), "depth": float(soil[1]), "iom": float(soil[2]), "nsteps": int(soil[3]),
             "silt": float(soil[4]), "bd": float(soil[5]), "oc": float(soil[6]), "min_rm_moist": float(soil[7])}
    opts = lines[4].split()
    props["opt_rmmoist"], props["opt_smdbare"] = int(opts[0]), int(opts[1])
    rows = []
    for ln in lines[10:]:
        p = ln.split()
        if len(p) < 10:
            continue
        rows.append({"year": int(p[0]), "month": int(p[1]), "x_modern": float(p[2]), "tas": float(p[3]),
                     "pr": float(p[4]), "evap": float(p[5]), "c_input": float(p[6]), "fym": float(p[7]),
                     "cover": int(float(p[8])), "dpm_rpm_ratio": float(p[9])})
    assert len(rows) == props["nsteps"], (len(rows), props["nsteps"])
    return props, rows


class RothamstedClimate:
    """Monthly Rothamsted climate 1939-2007 from the RothC example input; climatology elsewhere."""

    def __init__(self, rothc_rows):
        real = [r for r in rothc_rows if r["year"] >= 1900]
        self.obs = {(r["year"], r["month"]): (r["tas"], r["pr"], r["evap"]) for r in real}
        self.first = min(r["year"] for r in real)
        self.last = max(r["year"] for r in real)
        clim = {}
        for m in range(1, 13):
            a = np.array([self.obs[(y, m)] for y in range(self.first, self.last + 1)], dtype=float)
            clim[m] = tuple(np.round(a.mean(axis=0), 2))
        self.clim = clim

    def get(self, y, m):
        if (y, m) in self.obs:
            return self.obs[(y, m)] + (1,)
        return self.clim[m] + (0,)


def parse_broadbalk(shared):
    path = os.path.join(shared, "rothamsted_lte", "BKSOC1843_Broadbalk_SOC_v2_Data.csv")
    with open(path, encoding="latin-1", newline="") as f:
        rows = list(csv.reader(f))
    plots = {1: "3", 2: "5", 3: "8", 4: "2.2", 5: "2.1", 7: "1"}
    pct, stock = {}, {}
    hdr = [i for i, r in enumerate(rows) if r and r[0] == "Year"]
    assert len(hdr) == 2, hdr
    # block 1: %SOC
    for r in rows[hdr[0] + 1:]:
        if not r or not re.match(r"^\d{4}$", r[0]):
            break
        y = int(r[0])
        for c, p in plots.items():
            v = r[c].strip() if c < len(r) else ""
            if v and v != "ns":
                pct[(p, y)] = float(v)
    # block 2: stocks t/ha; year cell may carry a footnote "(n)"; an empty year cell after 1881 is plot 2.1 in 1884
    prev = None
    for r in rows[hdr[1] + 1:]:
        if not r or (r[0] == "" and not any(x.strip() for x in r)):
            break
        m = re.match(r"^(\d{4})(?:\((\d)\))?$", r[0].strip())
        if m:
            y, foot = int(m.group(1)), m.group(2)
        elif r[0].strip() == "" and prev == 1881:
            y, foot = 1884, None
        else:
            break
        prev = y
        for c, p in plots.items():
            v = r[c].strip() if c < len(r) else ""
            if v and v != "ns":
                stock[(p, y)] = (float(v), foot)
    assert abs(stock[("2.1", 1884)][0] - pct[("2.1", 1884)] * 28.8) < 0.01
    return pct, stock


def parse_hoosfield(shared):
    path = os.path.join(shared, "rothamsted_lte", "HBSOC1852", "01-HBSOC1852-data.csv")
    with open(path, encoding="latin-1", newline="") as f:
        rows = list(csv.reader(f))
    out = {}
    for r in rows:
        if len(r) > 4 and re.match(r"^\d{4}$", r[1].strip()):
            y = int(r[1])
            out[y] = {"11": float(r[2]), "72": float(r[3]), "71": float(r[4])}
    return out


def read_semicolon(path, enc="latin-1"):
    with open(path, encoding=enc, newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


# ----------------------------------------------------------------------------------------------
# AMGv2 allometry (Clivot et al. 2019, parameters_PLANT.csv) -> plant C input
# ----------------------------------------------------------------------------------------------
def amg_plant_c(plant_params, crop_type, crop_name, yield_fw, hum_pct, residues, depth_cm):
    """Plant C input (t C/ha) from a yield: C_total = Y_DM * C_conc_AG / RP (main crop) or
    Y_DM * C_conc_AG / RS (cover crop, whose 'yield' is its above-ground biomass);
    input = C_total*RS*(1 if residues returned else PSS) + C_total*(RR+RE)*(1-Beta**depth)."""
    if yield_fw <= 0:
        return 0.0
    p = plant_params[(crop_type, crop_name)]
    ydm = yield_fw * (1.0 - hum_pct / 100.0)
    c_harv = ydm * p["C_conc_AG"]
    c_tot = c_harv / (p["RP"] if p["RP"] > 0 else p["RS"])
    ag = c_tot * p["RS"] * (1.0 if residues == "Returned" else p["PSS"])
    if p["RP"] <= 0:
        ag = c_tot * p["RS"]
    bg = c_tot * (p["RR"] + p["RE"]) * (1.0 - p["Beta"] ** depth_cm)
    return ag + bg


def read_plant_params(shared):
    out = {}
    for r in read_semicolon(os.path.join(shared, "amg_params", "parameters_PLANT.csv")):
        out[(r["Crop_type"], r["Crop_name"])] = {k: float(r[k]) for k in
                                                ("RP", "RS", "RR", "RE", "Beta", "PSS", "C_conc_AG")}
    return out


# ----------------------------------------------------------------------------------------------
# Rothamsted sites
# ----------------------------------------------------------------------------------------------
def monthly_rows(years, clim, plant_fn, fym_fn, cover_fn, harvest_month, fym_month):
    rows = []
    for y in years:
        for m in range(1, 13):
            t, p, e, flag = clim.get(y, m)
            rows.append({"year": y, "month": m, "tas": t, "pr": p, "evap": e,
                         "c_input": plant_fn(y) if m == harvest_month else 0.0,
                         "fym": fym_fn(y) if m == fym_month else 0.0,
                         "cover": cover_fn(y, m), "dpm_rpm_ratio": DPM_RPM_CROP, "x_clim_obs": flag})
    return rows


ROTH_COLS = ["year", "month", "tas", "pr", "evap", "c_input", "fym", "cover", "dpm_rpm_ratio", "x_clim_obs"]


def base_meta(site, tid, extra):
    m = [("site_id", site["site_id"], None), ("site_name", site["site_name"], None), ("treatment_id", tid, None),
         ("latitude", fmt(site.get("latitude"), 5) if site.get("latitude") is not None else None, "degrees_north"),
         ("longitude", fmt(site.get("longitude"), 5) if site.get("longitude") is not None else None,
          "degrees_east")]
    if site.get("clay_pct") is not None:
        m.append(("clay", fmt(site["clay_pct"], 1), "percent"))
    if site.get("silt_pct") is not None:
        m.append(("silt", fmt(site["silt_pct"], 1), "percent"))
    m.append(("depth", fmt(site["sampling_depth_cm"], 0), "cm"))
    if site.get("bulk_density_g_cm3") is not None:
        m.append(("bulk_density", fmt(site["bulk_density_g_cm3"], 3), "g cm-3"))
    m.append(("land_use", site["land_use"], None))
    if site.get("elevation_m") is not None:
        m.append(("elevation", fmt(site["elevation_m"], 0), "m"))
    m += extra
    return m


def build_broadbalk(shared, out, clim, rothc_props):
    pct, stock = parse_broadbalk(shared)
    sid = "broadbalk"
    site = {"site_id": sid, "site_name": "Rothamsted Broadbalk winter wheat (continuous wheat sections)",
            "latitude": 51.8094, "longitude": -0.3729,
            "coordinates_note": "APPROXIMATE: Broadbalk field, Rothamsted, Harpenden (coordinates of the alamod site forcing format example; about 200 m from the e-RA Hoosfield location)",
            "elevation_m": None, "country": "GB", "network": "Rothamsted Long-Term Experiments (e-RA)",
            "land_use": "cropland", "experiment_start_year": 1843,
            "clay_pct": rothc_props["clay"], "silt_pct": rothc_props["silt"], "bulk_density_g_cm3": 1.252,
            "sampling_depth_cm": 23.0,
            "soil_properties_source": ("clay and silt ASSUMED from the official RothC example input (Rothamsted "
                                       "silty clay loam, 23.4 % clay, 58.6 % silt); bulk density from the source's "
                                       "standard soil weight of the inorganic plots, 2.88e6 kg ha-1 for 0-23 cm"),
            "licence": "CC-BY-4.0", "citation": CIT_BK}
    # treatment_id, source plot, description, start, fertiliser, fym_fresh, plant rule, fym years (harvest years)
    T = [
        ("nil", "3", "Nil: no fertilizer or manure applied since 1843", 1843, "none", 0.0,
         lambda y: PLANT_LOW, None),
        ("pk", "5", "PK: PKMg applied since 1852", 1852, "PKMg since 1852", 0.0,
         lambda y: PLANT_LOW if y < 1852 else PLANT_PK, None),
        ("n3pk", "8", "N3PK: PKMg + 144 kg N/ha applied since 1852", 1852, "PKMg + 144 kg N ha-1 since 1852", 0.0,
         lambda y: PLANT_LOW if y < 1852 else PLANT_HIGH, None),
        ("fym1843", "2.2", "FYM since 1843: 35 t/ha farmyard manure every year", 1843, "none", 35.0,
         lambda y: PLANT_HIGH, (1844, 2015)),
        ("fym1885", "2.1", "FYM since 1885 + N since 1968: 35 t/ha FYM since 1885, plus 96 kg N since 1968, "
         "plus 144 kg N since 2005", 1885, "96 kg N ha-1 since 1968, 144 kg N ha-1 since 2005", 35.0,
         lambda y: PLANT_LOW if y < 1885 else PLANT_HIGH, (1885, 2015)),
        ("fymn1968", "1", "FYM+N 1968-2000; N4 only since 2001: 35 t/ha FYM 1968-2000 plus PK + 96 kg N "
         "1968-1984, PK + 192 kg N 1985-2000; 192 kg N only since 2001", 1968,
         "PK + 96 kg N 1968-1984, PK + 192 kg N 1985-2000, 192 kg N since 2001", 35.0,
         lambda y: PLANT_LOW if y < 1968 else PLANT_HIGH, (1968, 2000)),
    ]
    years = range(1843, 2016)

    def fallow_factor(hy):
        return 0.8 if 1926 <= hy <= 1967 else 1.0

    treatments, forcings, obs = [], [], []
    for tid, plot, desc, start, fert, fym_fresh, plant, fymyrs in T:
        c_main = plant(2000)
        method = (METHOD_LIT + f"; {c_main:.1f} t C ha-1 yr-1 from the start of the treatment"
                  + ("" if plant(1843) == c_main else f", {plant(1843):.1f} before it (assumed Nil-like "
                     "before the treatment began)")
                  + "; x0.8 in harvest years 1926-1967 when one section in five was bare-fallowed each year")
        if fymyrs:
            method += (f"; FYM 35 t ha-1 fresh = {FYM_C_PER_35T:.1f} t C ha-1 (RothC convention; AMG bovine manure "
                       f"83 kg C t-1 gives 2.9) in October before each harvest year {fymyrs[0]}-{fymyrs[1]}, "
                       "not in fallow years")
        treatments.append({"site_id": sid, "treatment_id": tid, "source_plot": f"Plot {plot}", "description": desc,
                           "start_year": start, "end_year": 2015, "crop": "winter wheat (continuous)",
                           "fertiliser": fert, "manure_fresh_t_ha_yr": fym_fresh,
                           "manure_c_t_ha_yr": FYM_C_PER_35T if fymyrs else 0.0,
                           "residue_management": "removed", "c_input_t_ha_yr": c_main, "c_input_method": method})

        def plant_fn(y, plant=plant):
            return plant(y) * fallow_factor(y)

        def fym_fn(y, fymyrs=fymyrs):
            hy = y + 1  # applied in autumn before the next harvest
            if fymyrs and fymyrs[0] <= hy <= fymyrs[1]:
                return FYM_C_PER_35T * fallow_factor(hy)
            return 0.0

        rows = monthly_rows(years, clim, plant_fn, fym_fn, lambda y, m: 0 if m == 9 else 1, 8, 10)
        # observations
        plot_obs = []
        for (p, y), (st, foot) in sorted(stock.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if p != plot:
                continue
            pc = pct.get((p, y))
            inorganic = plot in ("3", "5", "8") or (plot == "2.1" and y < 1885) or (plot == "1" and y < 1968)
            nrep = {"3": 2, "4": 3, "5": 1}.get(foot)
            notes = []
            if y == 1843:
                notes.append("estimated starting value (1.00 +- 0.05 % SOC), source")
            if foot == "2":
                notes.append("mean of sections equivalent to modern sections 1, 6 and 9")
            if foot == "5":
                notes.append("plot 1 section 6 only")
            plot_obs.append({"site_id": sid, "treatment_id": tid, "plot_id": plot, "observation_date": str(y),
                             "observation_year": y, "layer_top": 0.0, "layer_bot": 23.0,
                             "soc": pc * 10.0 if pc is not None else None,
                             "bd_samp": 1.252 if inorganic else None, "soc_stock": st,
                             "soc_stock_method": ("source_pct_x_standard_soil_weight" if inorganic
                                                  else "source_equivalent_soil_mass"),
                             "soc_stock_sd": None, "n_rep": nrep,
                             "qc_flag": "estimated_by_source" if y == 1843 else "ok", "note": "; ".join(notes)})
        obs += plot_obs
        first = plot_obs[0]["soc_stock"]
        meta = base_meta(site, tid, [("soc_initial", fmt(first, 2), "t ha-1"),
                                     ("source", CIT_BK + "; climate: " + CIT_CLIM + "; licence: CC-BY-4.0 "
                                      "(SOC), Apache-2.0 (climate)", None)])
        n_meta = write_forcing(os.path.join(out, f"forcing_{tid}.csv"), meta, ROTH_COLS, rows)
        forcings.append((tid, n_meta, ROTH_COLS, False,
                         "Monthly Rothamsted climate (record 1939-2007, its monthly climatology before and after) "
                         "and ASSUMED carbon inputs."))
    desc = ("Broadbalk winter wheat, Rothamsted (since 1843): topsoil (0-23 cm) %SOC and SOC stocks of the "
            "continuous-wheat sections for six treatments, 1843-2015 (e-RA KeyRefOABKsoc v2). Measured: %SOC, "
            "stocks as calculated by the source. Assumed: plant and FYM carbon inputs, clay/silt, climate outside "
            "1939-2007.")
    write_package(out, site, treatments, obs, forcings, desc,
                  [{"title": CIT_BK, "path": "https://doi.org/10.23637/KeyRefOABKsoc-02"},
                   {"title": CIT_CLIM, "path": "https://github.com/Rothamsted-Models/RothC_Code"}],
                  ERA_CONTRIB, [CC_BY, APACHE])
    return len(obs)


def build_hoosfield(shared, out, clim, rothc_props):
    data = parse_hoosfield(shared)
    sid = "hoosfield"
    site = {"site_id": sid, "site_name": "Rothamsted Hoosfield continuous spring barley",
            "latitude": 51.81206, "longitude": -0.37608,
            "coordinates_note": "from the e-RA dataset metadata (HBSOC1852 spatialCoverage)",
            "elevation_m": None, "country": "GB", "network": "Rothamsted Long-Term Experiments (e-RA)",
            "land_use": "cropland", "experiment_start_year": 1852,
            "clay_pct": rothc_props["clay"], "silt_pct": rothc_props["silt"], "bulk_density_g_cm3": None,
            "sampling_depth_cm": 23.0,
            "soil_properties_source": ("clay and silt ASSUMED from the official RothC example input (Rothamsted "
                                       "silty clay loam); bulk density not given by the source"),
            "licence": "CC-BY-4.0", "citation": CIT_HB}
    fallow = {1912, 1933, 1943, 1967}
    T = [("unfertilised", "11", "Unfertilized: no fertilizer or manure applied since 1852", None,
          lambda y: PLANT_LOW),
         ("fym", "72", "FYM: 35 t/ha farmyard manure applied each year since 1852", (1852, 1998),
          lambda y: PLANT_HIGH),
         ("fym1852_1871", "71", "FYM 1852-1871: 35 t/ha farmyard manure each year 1852-1871 only", (1852, 1871),
          lambda y: PLANT_HIGH if y <= 1871 else PLANT_PK)]
    years = range(1852, 1999)
    treatments, forcings, obs = [], [], []
    for tid, plot, desc, fymyrs, plant in T:
        method = (METHOD_LIT + f"; {plant(1852):.1f} t C ha-1 yr-1"
                  + ("" if plant(1900) == plant(1852) else f" while manured, {plant(1900):.1f} after 1871 "
                     "(residual fertility)")
                  + "; 0 in the whole-experiment fallow years 1912, 1933, 1943, 1967")
        if fymyrs:
            method += (f"; FYM 35 t ha-1 fresh = {FYM_C_PER_35T:.1f} t C ha-1, assumed applied in February before "
                       f"sowing, {fymyrs[0]}-{fymyrs[1]}, not in fallow years")
        treatments.append({"site_id": sid, "treatment_id": tid, "source_plot": f"Plot {plot}", "description": desc,
                           "start_year": 1852, "end_year": 1998, "crop": "spring barley (continuous)",
                           "fertiliser": "none", "manure_fresh_t_ha_yr": 35.0 if fymyrs else 0.0,
                           "manure_c_t_ha_yr": FYM_C_PER_35T if fymyrs else 0.0, "residue_management": "removed",
                           "c_input_t_ha_yr": plant(1852), "c_input_method": method})

        def plant_fn(y, plant=plant):
            return 0.0 if y in fallow else plant(y)

        def fym_fn(y, fymyrs=fymyrs):
            return FYM_C_PER_35T if fymyrs and fymyrs[0] <= y <= fymyrs[1] and y not in fallow else 0.0

        def cover_fn(y, m):
            return 0 if y in fallow else (1 if 4 <= m <= 8 else 0)

        rows = monthly_rows(years, clim, plant_fn, fym_fn, cover_fn, 8, 2)
        for y in sorted(data):
            obs.append({"site_id": sid, "treatment_id": tid, "plot_id": plot, "observation_date": str(y),
                        "observation_year": y, "layer_top": 0.0, "layer_bot": 23.0, "soc": None, "bd_samp": None,
                        "soc_stock": data[y][plot],
                        "soc_stock_method": ("source_pct_x_standard_soil_weight" if plot == "11"
                                             else "source_equivalent_soil_mass"),
                        "soc_stock_sd": None, "n_rep": None,
                        "qc_flag": "estimated_by_source" if y == 1852 else "ok",
                        "note": ("estimated starting value, source" if y == 1852 else
                                 ("adjusted for sieve size (Jenkinson & Johnston 1977)" if y in (1913, 1946)
                                  else ""))})
        meta = base_meta(site, tid, [("soc_initial", fmt(data[1852][plot], 2), "t ha-1"),
                                     ("source", CIT_HB + "; climate: " + CIT_CLIM + "; licence: CC-BY-4.0 "
                                      "(SOC), Apache-2.0 (climate)", None)])
        n_meta = write_forcing(os.path.join(out, f"forcing_{tid}.csv"), meta, ROTH_COLS, rows)
        forcings.append((tid, n_meta, ROTH_COLS, False,
                         "Monthly Rothamsted climate (record 1939-2007, its monthly climatology before) and ASSUMED "
                         "carbon inputs."))
    desc = ("Hoosfield continuous spring barley, Rothamsted (since 1852): topsoil (0-23 cm) SOC stocks, t/ha, of "
            "three treatments, 1852-1998 (e-RA KeyRefOAHBsoc). The source gives stocks only (calculated from "
            "%SOC and standard soil weights, FYM plots adjusted to an equivalent soil mass); %SOC and bulk density "
            "are not in it. Carbon inputs are assumed.")
    contrib = ERA_CONTRIB + [{"title": "Sarah Perryman", "givenName": "Sarah", "familyName": "Perryman",
                              "path": "https://orcid.org/0000-0002-0056-2754", "roles": ["dataCurator"]}]
    write_package(out, site, treatments, obs, forcings, desc,
                  [{"title": CIT_HB, "path": "https://doi.org/10.23637/KeyRefOAHBsoc"},
                   {"title": CIT_CLIM, "path": "https://github.com/Rothamsted-Models/RothC_Code"}],
                  contrib, [CC_BY, APACHE])
    return len(obs)


def build_bare_fallow(shared, out, clim, rothc_props):
    sid = "highfield_bare_fallow"
    path = os.path.join(shared, "rothamsted_lte", "01-SOILCN5914", "soil_data.csv")
    with open(path, encoding="latin-1", newline="") as f:
        rows = list(csv.DictReader(f))
    notes = {}
    with open(os.path.join(shared, "rothamsted_lte", "01-SOILCN5914", "notes_data.csv"), encoding="latin-1",
              newline="") as f:
        for r in csv.DictReader(f):
            notes[r["note_id"].strip()] = r["description"].strip()
    site = {"site_id": sid, "site_name": "Rothamsted Highfield Bare Fallow",
            "latitude": 51.8041, "longitude": -0.3608,
            "coordinates_note": ("APPROXIMATE: Highfield, Rothamsted farm, Harpenden; the source gives no plot "
                                 "coordinates (about 1 km from Broadbalk)"),
            "elevation_m": None, "country": "GB", "network": "Rothamsted Long-Term Experiments (e-RA)",
            "land_use": "bare", "experiment_start_year": 1959,
            "clay_pct": rothc_props["clay"], "silt_pct": rothc_props["silt"], "bulk_density_g_cm3": 1.245,
            "sampling_depth_cm": 23.0,
            "soil_properties_source": ("clay and silt ASSUMED from the official RothC example input (Rothamsted "
                                       "silty clay loam); bulk density measured by the source (soil weight 1978 "
                                       "and 2000, 2.864e6 kg ha-1 for 0-23 cm)"),
            "licence": "CC-BY-4.0", "citation": CIT_HBF}
    obs = []
    for r in rows:
        y = int(r["sample_year"])
        nid = r["note_id"].strip()
        ids = [x.strip() for x in nid.split(",") if x.strip() and x.strip() != "*"]
        nrep = 2 if any(i in ("2", "4") for i in ids) else None
        obs.append({"site_id": sid, "treatment_id": "bare_fallow", "plot_id": r["sub-plot"].strip(),
                    "observation_date": r["sample_date"].strip(), "observation_year": y, "layer_top": 0.0,
                    "layer_bot": 23.0, "soc": float(r["%SOC"]) * 10.0, "bd_samp": float(r["bulk_density"]),
                    "soc_stock": float(r["SOC_stock"]), "soc_stock_method": "source_pct_x_soil_weight",
                    "soc_stock_sd": None, "n_rep": nrep, "qc_flag": "ok",
                    "note": " ".join(notes[i] for i in ids) + (" Under grass (before ploughing)." if y == 1959 else "")
                    })
    obs.sort(key=lambda o: (o["observation_year"], o["plot_id"]))
    treatments = [{"site_id": sid, "treatment_id": "bare_fallow", "source_plot": "sub-plots 1-4",
                   "description": ("Bare fallow since 1959: old grassland (since 1838) ploughed in December 1959, "
                                   "kept bare by cultivation; no crops, no fertilizer or manure"),
                   "start_year": 1960, "end_year": 2014, "crop": "none (bare fallow)", "fertiliser": "none",
                   "manure_fresh_t_ha_yr": 0.0, "manure_c_t_ha_yr": 0.0, "residue_management": "none",
                   "c_input_t_ha_yr": 0.0,
                   "c_input_method": ("no plant or manure input (bare fallow, weeds suppressed by cultivation); "
                                      "the C in the ploughed-in 1959 grass sward is not known and not included")}]
    frows = monthly_rows(range(1960, 2015), clim, lambda y: 0.0, lambda y: 0.0, lambda y, m: 0, 8, 10)
    init = float(np.mean([o["soc_stock"] for o in obs if o["observation_year"] == 1959]))
    meta = base_meta(site, "bare_fallow", [("soc_initial", fmt(init, 2), "t ha-1"),
                                           ("source", CIT_HBF + "; climate: " + CIT_CLIM + "; licence: CC-BY-4.0 "
                                            "(SOC), Apache-2.0 (climate)", None)])
    n_meta = write_forcing(os.path.join(out, "forcing_bare_fallow.csv"), meta, ROTH_COLS, frows)
    desc = ("Highfield Bare Fallow, Rothamsted: %SOC, soil weight (bulk density) and SOC stock of four sub-plots, "
            "0-23 cm, sampled eight times 1959-2014 (the 1959 samples are from the grassland before ploughing). "
            "No carbon input after 1959.")
    contrib = ERA_CONTRIB + [{"title": "Andy Gregory", "givenName": "Andy", "familyName": "Gregory",
                              "path": "https://orcid.org/0000-0001-7123-0784", "roles": ["researcher"]},
                             {"title": "Richard Ostler", "givenName": "Richard", "familyName": "Ostler",
                              "path": "https://orcid.org/0000-0002-1434-9495", "roles": ["projectManager"]}]
    write_package(out, site, treatments, obs,
                  [("bare_fallow", n_meta, ROTH_COLS, False,
                    "Monthly Rothamsted climate (record 1939-2007, its monthly climatology after 2007), zero inputs, "
                    "bare soil.")],
                  desc, [{"title": CIT_HBF, "path": "https://doi.org/10.23637/rrs1-SOILCN1959-2014-01"},
                         {"title": CIT_CLIM, "path": "https://github.com/Rothamsted-Models/RothC_Code"}],
                  contrib, [CC_BY, APACHE])
    return len(obs)


# ----------------------------------------------------------------------------------------------
# Ley-arable experiments: Highfield and Fosters (Rothamsted), Woburn (Bedfordshire)
# ----------------------------------------------------------------------------------------------
CIT_HLA = ("Blyth, F.J.E., Perryman, S.A.M., Poulton, P.R., Glendining, M.J. and Gregory, A.S. (2023). Highfield "
           "Ley-arable experiment soil chemical properties, 1948-2014. Electronic Rothamsted Archive, Rothamsted "
           "Research, Harpenden, UK. https://doi.org/10.23637/rrn1-HLAsoc4814-01")
CIT_FLA = ("Blyth, F.J.E., Perryman, S.A.M., Poulton, P.R., Glendining, M.J. and Gregory, A.S. (2023). Fosters "
           "Ley-arable experiment soil chemical properties, 1948-2014. Electronic Rothamsted Archive, Rothamsted "
           "Research, Harpenden, UK. https://doi.org/10.23637/rrn2-FLAsoc5014-01")
CIT_WLA = ("Poulton, P.R., Johnston, A.E., Gregory, A.S. and Glendining, M.J. (2022). Woburn Ley-arable experiment "
           "soil organic carbon, 1938-2009. Electronic Rothamsted Archive, Rothamsted Research, Harpenden, UK. "
           "https://doi.org/10.23637/wrn3-soc3809-01 (to be read with Johnston, A.E., Poulton, P.R., Coleman, K., "
           "Macdonald, A.J. and White, R.P. (2017) Changes in soil organic matter over 70 years in continuous "
           "arable and ley-arable rotations on a sandy loam soil in England. European Journal of Soil Science 68, "
           "305-316, https://doi.org/10.1111/ejss.12415)")

# Assumed plant carbon inputs of the ley-arable sites (NOT measured; t C ha-1 yr-1). See README "What is assumed".
LEY_C = 2.25        # ley or grass year: roots 1.5 + rhizodeposition 0.75 t C/ha (SoilManageR 'ley, temporary',
                    # after Taghizadeh-Toosi et al. 2020); spread evenly over the 12 months
ARABLE_C = PLANT_HIGH  # arable year of the fertilised rotations: the N-fertilised cereal class (1.7), in August
WOBURN_FYM_FRESH = 37.7                              # t/ha fresh FYM per application (fym_factor_data.csv)
WOBURN_FYM_C = WOBURN_FYM_FRESH * FYM_C_PER_35T / 35.0  # 3.23 t C/ha per application (35 t = 3.0 t C)
WOBURN_CLAY = 10.0  # percent, ASSUMED (see WOBURN_SOIL_SOURCE)
WOBURN_SOIL_SOURCE = (
    "clay ASSUMED 10 %: the source gives no texture; the LandIS Soil Guide (Cranfield University, Soil Survey of "
    "England and Wales) association description for Woburn Experimental Farm, after Catt et al. (1975, 1977, 1980; "
    "Stackyard: Rothamsted Report for 1979 Part 2, https://doi.org/10.23637/ERADOC-1-34287), says the Cottenham "
    "series there contains about 10 % clay; silt unknown; bulk density 1.508 g cm-3 = the source's estimated soil "
    "weight of the continuous arable plots, 3770 t ha-1 for 0-25 cm (Johnston et al. 2017; 3470 t ha-1, 1.388 "
    "g cm-3, where leys were grown)")

LEY_RULE = (
    "ASSUMED, not measured: a ley or grass year (grass, grass/clover, lucerne, clover or sainfoin ley, permanent or "
    f"reseeded grass) returns {LEY_C:.2f} t C ha-1 yr-1 (roots 1.5 + rhizodeposition 0.75 t C ha-1 yr-1: the "
    "yield-independent temporary-ley input of the SoilManageR C_input_crops table, after Taghizadeh-Toosi et al. "
    "2020), spread evenly over the 12 months; an arable year of these fertilised rotations returns "
    f"{ARABLE_C:.1f} t C ha-1 yr-1 in August (the N-fertilised cereal class used for Broadbalk; RothC studies "
    "at Rothamsted use 1.0-1.7, Jenkinson et al. 1992, Coleman et al. 1997, and radiocarbon gave 1.9-2.95 for "
    "fertilised all-arable rotations, Jenkinson & Coleman 1994, https://doi.org/10.1111/j.1365-2389.1994.tb00498.x); "
    "a bare-fallow year returns 0. The blocks are phased so that every phase of a rotation is present every year "
    "and the observations come from all blocks, so each year of the forcing carries the area-weighted mean of the "
    "phases (a 3-yr ley + 3-yr arable rotation: half ley, half arable); a month is covered when at least half of "
    "the area is (arable bare in September, fallow always bare)")


def era_rows(shared, folder, fname):
    with open(os.path.join(shared, "rothamsted_lte", folder, fname), encoding="latin-1", newline="") as f:
        return list(csv.DictReader(f))


def era_notes(shared, folder):
    return {r["note_id"].strip(): r["description"].strip() for r in era_rows(shared, folder, "notes_data.csv")}


def note_ids(cell):
    """'2, 9' / '6,13' / '5.000' / '*' -> ['2', '9'] ..."""
    out = []
    for x in cell.split(","):
        x = x.strip()
        if x and x != "*":
            out.append(str(int(float(x))))
    return out


def share_fn(segments):
    """segments: [(first_year, last_year, label, (ley, arable, fallow))] -> f(year) -> shares."""
    for _, _, _, s in segments:
        assert abs(sum(s) - 1.0) < 1e-9, s

    def f(y):
        for a, b, _, s in segments:
            if a <= y <= b:
                return s
        raise ValueError(f"no cropping segment for {y}")
    return f


def segments_text(segments):
    parts = []
    for a, b, label, (ley, ara, _fal) in segments:
        c = ley * LEY_C + ara * ARABLE_C
        yrs = str(a) if a == b else f"{a}-{b}"
        parts.append(f"{yrs} {label} (ley {ley:.3g}, arable {ara:.3g}): {c:.3f} t C ha-1 yr-1")
    return "; ".join(parts)


def main_period_input(segments):
    """c_input_t_ha_yr of treatments.csv: the input of the longest segment."""
    a, b, _, (ley, ara, _f) = max(segments, key=lambda s: (s[1] - s[0], -s[0]))
    return round(ley * LEY_C + ara * ARABLE_C, 4)


def rotation_rows(years, clim, shares, fym=lambda y: 0.0, fym_month=3):
    rows = []
    for y in years:
        ley, ara, fal = shares(y)
        for m in range(1, 13):
            t, p, e, flag = clim.get(y, m)
            covered = ley + (ara if m != 9 else 0.0)
            rows.append({"year": y, "month": m, "tas": t, "pr": p, "evap": e,
                         "c_input": ley * LEY_C / 12.0 + (ara * ARABLE_C if m == 8 else 0.0),
                         "fym": fym(y) if m == fym_month else 0.0, "cover": 1 if covered >= 0.5 else 0,
                         "dpm_rpm_ratio": DPM_RPM_CROP, "x_clim_obs": flag})
    return rows


def day_run_years(rows):
    """Source years whose full sampling dates increase by exactly one day from record to record (>= 4 records):
    most likely a spreadsheet fill; the day of these records is uncertain."""
    by_year = {}
    for r in rows:
        d = r["sampling_date"].strip()[:10]
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d):
            by_year.setdefault(r["year"].strip(), []).append(datetime.date.fromisoformat(d))
    return {y for y, ds in by_year.items()
            if len(ds) >= 4 and all((b - a).days == 1 for a, b in zip(ds, ds[1:]))}


def build_era_ley_arable(shared, out, clim, cfg):
    """Highfield and Fosters ley-arable (same e-RA table layout). cfg: see build_highfield_ley_arable."""
    sid, folder, depth, site = cfg["sid"], cfg["folder"], cfg["depth"], cfg["site"]
    rows = [r for r in era_rows(shared, folder, "soil_data.csv") if r["year"].strip() not in ("", "*")]
    notes = era_notes(shared, folder)
    runs = day_run_years(rows)
    plot_tid = {}
    for t in cfg["treatments"]:
        for p in t["plots"]:
            plot_tid[p] = t["id"]
    obs, excluded = [], {}
    for r in rows:
        y_src = int(float(r["year"]))
        block = int(float(r["block"]))
        plot = r["main_plot"].strip()
        sub = r["sub_plot"].strip()
        code = r["rotation_factor_level_code"].strip()
        nc = r["n_or_c_treatment"].strip()
        ids = note_ids(r["note_id"])
        why = cfg["exclude"](plot, code, r)
        if why:
            excluded[why] = excluded.get(why, 0) + 1
            continue
        tid = plot_tid[plot]
        raw = r["sampling_date"].strip()
        date = raw[:10] if len(raw) >= 10 else raw
        remarks = []
        if any(i in cfg["no_date_notes"] for i in ids) and len(date) == 10:
            remarks.append(f"date given as {date} in the source, but its note says no day was recorded: year only")
            date = str(y_src)
        elif r["year"].strip() in runs:
            remarks.append("the source's dates of this sampling year increase by one day from record to record "
                           "(probably a spreadsheet fill): the day is uncertain")
        assert re.fullmatch(r"\d{4}(-\d{2}-\d{2})?", date), date
        oy = int(date[:4])
        if oy != y_src:
            remarks.append(f"source year {y_src}")
        pct = float(r["percent_soc"])
        bd = None if r["bulk_density"].strip() in ("", "*") else float(r["bulk_density"])
        desc = f"block {block}; rotation {code}"
        if nc in ("n", "c"):
            desc += " (grass + N sub-plot)" if nc == "n" else " (grass/clover sub-plot, no N)"
        baseline = plot == "*"
        obs.append({"site_id": sid, "treatment_id": tid,
                    "plot_id": (f"block{block}" if baseline else plot) + (f"-{sub}" if sub not in ("", "*") else ""),
                    "observation_date": date, "observation_year": oy, "layer_top": 0.0, "layer_bot": depth,
                    "soc": pct * 10.0, "bd_samp": bd, "soc_stock": pct * bd * depth if bd is not None else None,
                    "soc_stock_method": "pct_x_source_bulk_density" if bd is not None else "none",
                    "soc_stock_sd": None, "n_rep": None,
                    "qc_flag": "estimated_by_source" if baseline else "ok",
                    "note": "; ".join([desc] + [f"source note {i}: {notes[i]}" for i in ids] + remarks)})
    obs.sort(key=lambda o: (o["treatment_id"], o["observation_year"], o["observation_date"], o["plot_id"]))
    init = [o["soc_stock"] for o in obs if o["observation_year"] == cfg["baseline_year"]
            and o["plot_id"].split("-")[0] in cfg["baseline_plots"]]
    assert len(init) == cfg["n_baseline"], init
    soc0 = float(np.mean(init))
    treatments, forcings = [], []
    start = cfg["forcing_start"]
    for t in cfg["treatments"]:
        tobs = [o for o in obs if o["treatment_id"] == t["id"]]
        end = max(o["observation_year"] for o in tobs)
        assert end == t["end_year"], (t["id"], end)
        segs = t["segments"]
        method = (LEY_RULE + ". This treatment: " + segments_text(segs)
                  + ". No fertiliser, manure or yield effect on the inputs is represented")
        treatments.append({"site_id": sid, "treatment_id": t["id"], "source_plot": t["source_plot"],
                           "description": t["description"], "start_year": t["start_year"], "end_year": end,
                           "crop": t["crop"], "fertiliser": t["fertiliser"], "manure_fresh_t_ha_yr": 0.0,
                           "manure_c_t_ha_yr": 0.0, "residue_management": t["residues"],
                           "c_input_t_ha_yr": main_period_input(segs), "c_input_method": method})
        frows = rotation_rows(range(start, end + 1), clim, share_fn(segs))
        meta = base_meta(dict(site, land_use=t["land_use"]), t["id"],
                         [("soc_initial", fmt(soc0, 2), "t ha-1"),
                          ("source", cfg["citation"] + "; climate: " + CIT_CLIM + "; licence: CC-BY-4.0 (SOC), "
                           "Apache-2.0 (climate)", None),
                          ("note", cfg["forcing_note"], None)])
        n_meta = write_forcing(os.path.join(out, f"forcing_{t['id']}.csv"), meta, ROTH_COLS, frows)
        forcings.append((t["id"], n_meta, ROTH_COLS, False,
                         f"Monthly Rothamsted climate (record 1939-2007, its monthly climatology after 2007), "
                         f"{start}-{end}, and ASSUMED rotation-averaged carbon inputs."))
    write_package(out, site, treatments, obs, forcings, cfg["desc"],
                  [{"title": cfg["citation"], "path": cfg["doi"]},
                   {"title": CIT_CLIM, "path": "https://github.com/Rothamsted-Models/RothC_Code"}],
                  cfg["contributors"], [CC_BY, APACHE],
                  keywords=["soil organic carbon", "long-term experiment", "ley-arable", "grassland", "alamod"])
    return len(obs), excluded


def era_person(name, orcid, role):
    given, family = name.split(" ", 1)
    d = {"title": name, "givenName": given, "familyName": family, "roles": [role]}
    if orcid:
        d["path"] = "https://orcid.org/" + orcid
    return d


ERA_PUBLISHER = {"title": "Rothamsted Research, Electronic Rothamsted Archive (e-RA)",
                 "roles": ["publisher", "rightsHolder"], "path": "https://www.era.rothamsted.ac.uk"}
LA_CONTRIB = [ERA_PUBLISHER,
              era_person("Fergus Blyth", "0009-0002-6733-9992", "researcher"),
              era_person("Sarah Perryman", "0000-0002-0056-2754", "dataCurator"),
              era_person("Paul Poulton", "0000-0002-5720-064X", "researcher"),
              era_person("Margaret Glendining", "0000-0002-6466-4629", "dataCurator"),
              era_person("Andy Gregory", "0000-0001-7123-0784", "projectManager")]

# cropping of the Rothamsted ley-arable treatments, by harvest year: (first, last, label, (ley, arable, fallow))
GRASS, ARABLE, FALLOW, HALF = (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0), (0.5, 0.5, 0.0)
ARABLE_HAY = (1.0 / 6.0, 5.0 / 6.0, 0.0)  # 'arable with hay' 1963-1972: assumed one hay year in the 6-yr cycle


def rothamsted_ley_arable_treatments(pre, last, plots, end):
    """pre: cropping of 1948 (Highfield old grass, Fosters old arable); plots: {treatment: [main plots]}."""
    pre_lab = "old grass" if pre == GRASS else "old arable"
    return [
        {"id": "arable", "plots": plots["arable"], "source_plot": "A: plots " + ", ".join(plots["arable"]),
         "description": "Continuous arable (A): 3 years arable treatment crops then 3 years arable test crops, "
                        f"from 1949 ({pre_lab} before)", "start_year": 1949, "end_year": end["arable"],
         "crop": "arable rotation (cereals and other arable crops)", "fertiliser": "not in the source",
         "residues": "removed", "land_use": "cropland",
         "segments": [(1948, 1948, pre_lab, pre), (1949, last, "arable", ARABLE)]},
        {"id": "reseeded_grass", "plots": plots["reseeded_grass"],
         "source_plot": "R, Rn, Rc: plots " + ", ".join(plots["reseeded_grass"]),
         "description": "Reseeded grass (R): ploughed and sown to grass in autumn 1948, grazed by sheep until "
                        "1961/62, then sub-plots grass + N (Rn) and grass/clover (Rc) cut for silage to 1990, "
                        "grass/clover (Rc) since 1991", "start_year": 1949, "end_year": end["reseeded_grass"],
         "crop": "grass, grass/clover", "fertiliser": "N on the Rn sub-plots 1962/63-1990, none on Rc",
         "residues": "mixed", "land_use": "grassland",
         "segments": [(1948, 1948, pre_lab, pre), (1949, last, "grass", GRASS)]},
        {"id": "reseeded_grass_arable_1963_1972", "plots": plots["rp"],
         "source_plot": "Rp, Rpn, Rpc: plots " + ", ".join(plots["rp"]),
         "description": "Reseeded grass sown in 1948, ploughed and put into the arable-with-hay rotation "
                        "1963-1972, resown to grass in 1973 (sub-plots grass + N, Rpn, and grass/clover, Rpc, "
                        "1973-1990; grass/clover since 1991)", "start_year": 1949, "end_year": end["rp"],
         "crop": "grass; arable with hay 1963-1972", "fertiliser": "N on the Rpn sub-plots 1973-1990",
         "residues": "mixed", "land_use": "grassland",
         "segments": [(1948, 1948, pre_lab, pre), (1949, 1962, "grass", GRASS),
                      (1963, 1972, "arable with hay (assumed 1 hay year in 6)", ARABLE_HAY),
                      (1973, last, "grass", GRASS)]},
        {"id": "ley_arable", "plots": plots["ley_arable"],
         "source_plot": "L/Lc and Lu/Lc(Lu): plots " + ", ".join(plots["ley_arable"]),
         "description": "Ley-arable: 3-yr leys (grazed grass L and lucerne Lu until 1961; grass/clover Lc and "
                        "lucerne Lu 1962-1990; grass/clover Lc 1991 on) followed by 3-yr arable test crops"
                        + plots["ley_arable_note"], "start_year": 1949, "end_year": end["ley_arable"],
         "crop": "3-yr ley + 3-yr arable rotation", "fertiliser": "not in the source", "residues": "mixed",
         "land_use": "cropland",
         "segments": [(1948, 1948, pre_lab, pre), (1949, last, "3-yr ley + 3-yr arable", HALF)]},
        {"id": "ley_arable_fallow_2009", "plots": plots["fallow"],
         "source_plot": "Cg/Ln/Lc(Ln), then F: plots " + ", ".join(plots["fallow"]),
         "description": "Ley-arable with cut grass leys (Cg until 1961, grass + N Ln 1962-1990, grass/clover "
                        "Lc(Ln) 1991-2008) and 3-yr arable test crops, then bare fallow from 2009",
         "start_year": 1949, "end_year": end["fallow"], "crop": "3-yr ley + 3-yr arable rotation; bare fallow "
         "from 2009", "fertiliser": "N on the Ln grass leys 1962-1990", "residues": "mixed",
         "land_use": "cropland",
         "segments": [(1948, 1948, pre_lab, pre), (1949, 2008, "3-yr ley + 3-yr arable", HALF),
                      (2009, end["fallow"], "bare fallow", FALLOW)]},
    ]


def build_highfield_ley_arable(shared, out, clim, rothc_props):
    sid = "highfield_ley_arable"
    site = {"site_id": sid, "site_name": "Rothamsted Highfield Ley-arable experiment (old grassland, 1948-2014)",
            "latitude": 51.8041, "longitude": -0.3608,
            "coordinates_note": ("APPROXIMATE: Highfield, Rothamsted farm, Harpenden (the coordinates used for the "
                                 "Highfield Bare Fallow); the source gives no plot coordinates"),
            "elevation_m": None, "country": "GB", "network": "Rothamsted Long-Term Experiments (e-RA)",
            "land_use": "cropland", "experiment_start_year": 1948,
            "clay_pct": rothc_props["clay"], "silt_pct": rothc_props["silt"], "bulk_density_g_cm3": 0.944,
            "sampling_depth_cm": 23.0,
            "soil_properties_source": ("clay and silt ASSUMED from the official RothC example input (Rothamsted "
                                       "silty clay loam, 23.4 % clay, 58.6 % silt; the source says silty clay loam "
                                       "and gives no texture); bulk density 0.944 g cm-3 = the source's soil weight "
                                       "of the permanent grass, measured in 2000 and assumed by the source to be "
                                       "the 1948 starting value of all plots"),
            "licence": "CC-BY-4.0", "citation": CIT_HLA}
    plots = {"arable": ["09/10", "19/20", "27/28", "41/42"], "reseeded_grass": ["05/06", "39/40"],
             "rp": ["13/14", "31/32"],
             "ley_arable": ["03/04", "11/12", "15/16", "21/22", "25/26", "35/36", "37/38", "45/46"],
             "ley_arable_note": " (the Lu plots 03/04, 21/22, 35/36, 37/38 only until 2008: arable from 2009)",
             "fallow": ["07/08", "17/18", "29/30", "43/44"]}
    end = {"arable": 2008, "reseeded_grass": 2008, "rp": 2008, "ley_arable": 2014, "fallow": 2014}
    treatments = [{"id": "permanent_grass", "plots": ["01/02", "23/24", "33/34", "47/48"],
                   "source_plot": "G, Gn, Gc: plots 01/02, 23/24, 47/48 (33/34 in 1948 only)",
                   "description": "Permanent grass since at least 1838, grazed by sheep until 1961, then sub-plots "
                                  "grass + N (Gn) and grass/clover (Gc) cut for silage to 1990, grass/clover (Gc) "
                                  "since 1991",
                   "start_year": 1948, "end_year": 2014, "crop": "permanent grass, grass/clover",
                   "fertiliser": "N on the Gn sub-plots 1962-1990, none on Gc", "residues": "mixed",
                   "land_use": "grassland", "segments": [(1948, 2014, "permanent grass", GRASS)]}]
    treatments += rothamsted_ley_arable_treatments(GRASS, 2008, plots, end)
    for t in treatments:
        if t["id"] == "ley_arable":
            t["segments"][-1] = (1949, 2014, "3-yr ley + 3-yr arable", HALF)

    def exclude(plot, code, r):
        if r["percent_soc"].strip() in ("", "*"):
            return "no %SOC in the record (plot 09/10, 2014: turned over to the Highfield Reversion experiment)"
        if code in ("[G]", "[Gc]"):
            return ("plot 33/34 after 1963 ([G], [Gc]): ploughed by mistake in 1963, source note 7 says to exclude "
                    "it from analyses of continuous permanent grass")
        if code == "Al":
            return "former lucerne ley-arable plots in arable from 2009 (Al, 2014): not covered by a forcing"
        return None

    cfg = {"sid": sid, "folder": "01-HLA-SOC4814", "depth": 23.0, "site": site, "treatments": treatments,
           "exclude": exclude, "no_date_notes": {"9"}, "baseline_year": 1948,
           "baseline_plots": {"01/02", "23/24", "33/34", "47/48"}, "n_baseline": 4, "forcing_start": 1948,
           "citation": CIT_HLA, "doi": "https://doi.org/10.23637/rrn1-HLAsoc4814-01", "contributors": LA_CONTRIB,
           "forcing_note": ("soc_initial = mean stock of the four permanent-grass plots sampled in December 1948 "
                            "(%SOC x 0.944 g cm-3 x 23 cm), the start of the experiment; 1948 was grass everywhere"),
           "desc": ("Highfield Ley-arable experiment, Rothamsted (started autumn 1948 on grassland that was in grass "
                    "since at least 1838): plot-level %SOC 0-23 cm of blocks 1-4, 1948-2014 (e-RA rrn1-HLAsoc4814), "
                    "grouped into six treatments by plot history. Measured: %SOC; bulk density (soil weight) only "
                    "for permanent grass and continuous arable, where the stock is computed as %SOC x bulk density "
                    "x 23 cm. Assumed: rotation-averaged plant carbon inputs of leys and arable crops, "
                    "clay/silt, climate after 2007.")}
    return build_era_ley_arable(shared, out, clim, cfg)


def build_fosters_ley_arable(shared, out, clim, rothc_props):
    sid = "fosters_ley_arable"
    site = {"site_id": sid, "site_name": "Rothamsted Fosters Ley-arable experiment (old arable, 1948-2014)",
            "latitude": 51.8094, "longitude": -0.3729,
            "coordinates_note": ("APPROXIMATE: Rothamsted farm, Harpenden (the coordinates used for Broadbalk); "
                                 "Fosters field is on the same farm, the source gives no plot coordinates"),
            "elevation_m": None, "country": "GB", "network": "Rothamsted Long-Term Experiments (e-RA)",
            "land_use": "cropland", "experiment_start_year": 1948,
            "clay_pct": rothc_props["clay"], "silt_pct": rothc_props["silt"], "bulk_density_g_cm3": 1.176,
            "sampling_depth_cm": 23.0,
            "soil_properties_source": ("clay and silt ASSUMED from the official RothC example input (Rothamsted "
                                       "silty clay loam, 23.4 % clay, 58.6 % silt; the source says silty clay loam "
                                       "and gives no texture); bulk density 1.176 g cm-3 = the source's soil weight "
                                       "of the permanent arable, measured in 2000 and assumed by the source to be "
                                       "unchanged and the starting value of all plots"),
            "licence": "CC-BY-4.0", "citation": CIT_FLA}
    plots = {"arable": ["03/04", "15/16", "25/26", "39/40", "*"], "reseeded_grass": ["07/08", "29/30"],
             "rp": ["13/14", "37/38"],
             "ley_arable": ["01/02", "05/06", "17/18", "19/20", "21/22", "27/28", "33/34", "35/36"],
             "ley_arable_note": "", "fallow": ["09/10", "11/12", "23/24", "31/32"]}
    end = {"arable": 2014, "reseeded_grass": 2014, "rp": 2014, "ley_arable": 2014, "fallow": 2014}
    treatments = rothamsted_ley_arable_treatments(ARABLE, 2014, plots, end)
    treatments[0]["source_plot"] = ("A: plots 03/04, 15/16, 25/26, 39/40, and the 1950 baseline (blocks 10-12, "
                                    "given for blocks 1-4)")
    treatments[0]["description"] = ("Continuous arable (A): 3 years arable treatment crops then 3 years arable "
                                    "test crops; the field was arable for several centuries before 1948")

    def exclude(plot, code, r):
        return None

    cfg = {"sid": sid, "folder": "01-FLASOC5014", "depth": 23.0, "site": site, "treatments": treatments,
           "exclude": exclude, "no_date_notes": {"3"}, "baseline_year": 1950, "baseline_plots": {"block1", "block2",
                                                                                                 "block3", "block4"},
           "n_baseline": 4, "forcing_start": 1948, "citation": CIT_FLA,
           "doi": "https://doi.org/10.23637/rrn2-FLAsoc5014-01", "contributors": LA_CONTRIB,
           "forcing_note": ("soc_initial = the September 1950 baseline (blocks 10-12, not yet in the experiment; "
                            "1.52 % SOC x 1.176 g cm-3 x 23 cm), which the source assumes equal to the 1948 "
                            "starting values; 1948 was arable everywhere"),
           "desc": ("Fosters Ley-arable experiment, Rothamsted (started autumn 1948 on a field in arable cropping for "
                    "several centuries): plot-level %SOC 0-23 cm of blocks 1-4, 1950-2014 (e-RA rrn2-FLAsoc5014), "
                    "grouped into five treatments by plot history. Measured: %SOC; bulk density (soil weight) only "
                    "for continuous arable and reseeded grass, where the stock is computed as %SOC x bulk density "
                    "x 23 cm. Assumed: rotation-averaged plant carbon inputs of leys and arable crops, "
                    "clay/silt, climate after 2007.")}
    return build_era_ley_arable(shared, out, clim, cfg)


def build_woburn_ley_arable(shared, out, clim, rothc_props):
    sid = "woburn_ley_arable"
    folder = "01-wrn3-soc3809v2"
    depth = 25.0
    rows = era_rows(shared, folder, "soil_data.csv")
    notes = era_notes(shared, folder)
    site = {"site_id": sid, "site_name": "Woburn Ley-arable experiment (Stackyard, Woburn Experimental Farm)",
            "latitude": 52.01, "longitude": -0.60,
            "coordinates_note": ("APPROXIMATE (about 2 km): Woburn Experimental Farm, Husborne Crawley, "
                                 "Bedfordshire; the source gives no coordinates"),
            "elevation_m": None, "country": "GB", "network": "Rothamsted Long-Term Experiments (e-RA)",
            "land_use": "cropland", "experiment_start_year": 1938, "clay_pct": WOBURN_CLAY, "silt_pct": None,
            "bulk_density_g_cm3": 1.508, "sampling_depth_cm": depth, "soil_properties_source": WOBURN_SOIL_SOURCE,
            "licence": "CC-BY-4.0", "citation": CIT_WLA}
    AR, L3, L8 = "arable", "ley3_arable", "alternating_ley8"
    group = {"AB": AR, "AF": AR, "LN3": L3, "LC3": L3, "Ln3": L3}
    obs = []
    for r in rows:
        code = r["johnston_rotation_code"].strip()
        g = group.get(code) or (L8 if code.startswith(("LN8", "LC8")) else None)
        assert g, code
        fym = r["fym_factor_level"].strip().lower()
        assert fym in ("fym", "none"), fym
        tid = g + ("_fym" if fym == "fym" else "")
        y_src = int(r["year"])
        ids = note_ids(r["note_id"])
        oy = y_src
        remarks = []
        for i in ids:
            m = re.search(r"actually sampled in (\d{4})", notes[i])
            if m:
                oy = int(m.group(1))
                remarks.append(f"source year {y_src}, sampled in {oy} (source note {i})")
        pct, bd = float(r["percent_soc"]), float(r["bulk_density"])
        obs.append({"site_id": sid, "treatment_id": tid, "plot_id": r["main_plot"].strip(),
                    "observation_date": str(oy), "observation_year": oy, "layer_top": 0.0, "layer_bot": depth,
                    "soc": pct * 10.0, "bd_samp": bd, "soc_stock": pct * bd * depth,
                    "soc_stock_method": "pct_x_source_bulk_density", "soc_stock_sd": None, "n_rep": None,
                    "qc_flag": "ok",
                    "note": "; ".join([f"block {int(r['block'])}; {r['rotation_type'].strip()} "
                                       f"{r['rotation_factor_level'].strip()} ({code}); FYM 1941-1967: "
                                       f"{'yes' if fym == 'fym' else 'no'}"]
                                      + [f"source note {i}: {notes[i]}" for i in ids] + remarks)})
    obs.sort(key=lambda o: (o["treatment_id"], o["observation_year"], int(o["plot_id"])))
    init = [o["soc_stock"] for o in obs if o["observation_year"] == 1938]
    assert len(init) == 80, init
    soc0 = float(np.mean(init))  # the 1938 baseline differs by block (one value per block): mean of all plots
    pct0 = float(np.mean([o["soc"] / 10.0 for o in obs if o["observation_year"] == 1938]))
    # cropping by harvest year: (first, last, label, (ley, arable, fallow))
    segs = {
        AR: [(1938, 1974, "AB (Ah: 1 hay year + 4 arable) and AF (Ar: 5 arable) in 5 years", (0.1, 0.9, 0.0)),
             (1975, 1999, "AB 5 arable; AF 2 fallow + 3 arable", (0.0, 0.8, 0.2)),
             (2000, 2009, "AB and AF all arable", (0.0, 1.0, 0.0))],
        L3: [(1938, 2009, "3-yr ley (grass, grass + N, lucerne, sainfoin, red clover, grass/clover) + 2 arable "
              "test crops", (0.6, 0.4, 0.0))],
        L8: [(1938, 1972, "alternating 20-yr cycle of the Ar, Lu, Ah and L rotations", (0.35, 0.65, 0.0)),
             (1973, 1977, "first-cycle plots in 8-yr leys + 2 test crops, second-cycle plots still alternating",
              (0.575, 0.425, 0.0)),
             (1978, 2006, "8-yr leys + 2 arable test crops", (0.8, 0.2, 0.0)),
             (2007, 2007, "first-cycle plots arable, second-cycle plots in 8-yr leys", (0.4, 0.6, 0.0)),
             (2008, 2009, "first-cycle plots arable, second-cycle plots 3-yr leys + 2 test crops",
              (0.3, 0.7, 0.0))]}
    tinfo = {
        AR: ("Continuous arable rotations AB (Ah until 1974: 3 arable treatment crops including one year hay; AB "
             "from 1975: 3 arable) and AF (Ar until 1974: 3 arable treatment crops including a root crop; AF "
             "1975-1999: 2 years fallow + 1 arable; AM/AO from 2000), each followed by 2 arable test crops",
             "AB, AF (Ah, Ar, AB, AF, ABe, AM)", "arable rotation, 5-yr cycle", "removed"),
        L3: ("Ley-arable: 3-yr leys then 2 arable test crops; LN3 grass ley (grazed until 1968, cut, with N "
             "fertiliser as Ln3 from 1973) and LC3 legume ley (lucerne, then sainfoin 1964-67, red clover "
             "1971-74, grass/clover Lc3 from 1973)", "LN3, LC3 (L, Lu, Ln3, Lc3)", "3-yr ley + 2-yr arable",
             "mixed"),
        L8: ("Alternating rotations (20-yr cycle of the Ar, Lu, Ah and L rotations) until the mid-1970s, then "
             "8-yr grass + N (LN8) or grass/clover (LC8) leys followed by 2 arable test crops (first cycle from "
             "1973-77, second cycle from 1978-82); first-cycle plots arable from 2007, second-cycle plots 3-yr leys "
             "from 2008", "LN8, LC8 (Ar/Lu, Lu/Ar, Ah/L, L/Ah, LLn8, LLc8)", "alternating, then 8-yr ley + "
             "2-yr arable", "mixed")}
    treatments, forcings = [], []
    years = range(1938, 2010)
    fym_per_year = WOBURN_FYM_C / 5.0
    for g in (AR, L3, L8):
        desc, src, crop, resid = tinfo[g]
        for with_fym in (False, True):
            tid = g + ("_fym" if with_fym else "")
            assert any(o["treatment_id"] == tid for o in obs), tid
            method = LEY_RULE + ". This treatment: " + segments_text(segs[g])
            if with_fym:
                method += (f". FYM {WOBURN_FYM_FRESH:.1f} t ha-1 fresh = {WOBURN_FYM_C:.2f} t C ha-1 per "
                           "application (35 t = 3.0 t C, as for Broadbalk; pig FYM until 1966, cattle 1967), "
                           "applied to each plot once in 5 years, to the first test crop, 1941-1967; with the "
                           f"blocks phased the forcing carries one fifth, {fym_per_year:.3f} t C ha-1, every "
                           "year 1941-1967, in March (timing assumed)")
            else:
                method += ". No FYM"
            treatments.append({"site_id": sid, "treatment_id": tid,
                               "source_plot": src + (", plots with FYM 1941-1967" if with_fym else
                                                     ", plots without FYM"),
                               "description": desc + ("; FYM 37.7 t ha-1 once every 5 years 1941-1967"
                                                      if with_fym else "; no FYM"),
                               "start_year": 1938, "end_year": 2009, "crop": crop,
                               "fertiliser": ("N to the LN grass leys; rates in Poulton et al. (2022) "
                                              "https://doi.org/10.23637/wrn3-fert1938-2020-01 (not included)"),
                               "manure_fresh_t_ha_yr": WOBURN_FYM_FRESH if with_fym else 0.0,
                               "manure_c_t_ha_yr": round(WOBURN_FYM_C, 4) if with_fym else 0.0,
                               "residue_management": resid, "c_input_t_ha_yr": main_period_input(segs[g]),
                               "c_input_method": method})

            def fym_fn(y, with_fym=with_fym):
                return fym_per_year if with_fym and 1941 <= y <= 1967 else 0.0

            frows = rotation_rows(years, clim, share_fn(segs[g]), fym_fn, 3)
            meta = base_meta(site, tid, [
                ("soc_initial", fmt(soc0, 2), "t ha-1"),
                ("source", CIT_WLA + "; climate: " + CIT_CLIM + "; licence: CC-BY-4.0 (SOC), Apache-2.0 (climate)",
                 None),
                ("note", f"soc_initial = mean of the March 1938 baseline of the 80 plots ({pct0:.4f} % SOC x 1.508 "
                 "g cm-3 x 25 cm); climate: the ROTHAMSTED record, used as an approximation for Woburn (about 27 "
                 "km north-west of Rothamsted)", None)])
            n_meta = write_forcing(os.path.join(out, f"forcing_{tid}.csv"), meta, ROTH_COLS, frows)
            forcings.append((tid, n_meta, ROTH_COLS, False,
                             "Monthly ROTHAMSTED climate as an approximation for Woburn (record 1939-2007, its "
                             "monthly climatology in 1938 and after 2007), 1938-2009, and ASSUMED rotation-averaged "
                             "carbon inputs."))
    desc = ("Woburn Ley-arable experiment (Stackyard field, Woburn Experimental Farm, Bedfordshire; sandy loam; "
            "since 1938): plot-level %SOC 0-25 cm of all 80 plots, 1938-2009 (e-RA wrn3-soc3809), grouped into "
            "six treatments: continuous arable, 3-yr ley + 2-yr arable, and alternating then 8-yr leys, each with "
            "and without FYM 1941-1967. Measured: %SOC; bulk density is the source's estimate (Johnston et al. "
            "2017); the stock is computed as %SOC x bulk density x 25 cm. Assumed: rotation-averaged plant carbon "
            "inputs, FYM carbon, clay, and the climate (Rothamsted record).")
    contrib = [ERA_PUBLISHER, era_person("Paul Poulton", "0000-0002-5720-064X", "researcher"),
               era_person("Edward Johnston", None, "researcher"),
               era_person("Andy Gregory", "0000-0001-7123-0784", "projectManager"),
               era_person("Margaret Glendining", "0000-0002-6466-4629", "dataCurator")]
    write_package(out, site, treatments, obs, forcings, desc,
                  [{"title": CIT_WLA, "path": "https://doi.org/10.23637/wrn3-soc3809-01"},
                   {"title": CIT_CLIM, "path": "https://github.com/Rothamsted-Models/RothC_Code"}],
                  contrib, [CC_BY, APACHE],
                  keywords=["soil organic carbon", "long-term experiment", "ley-arable", "farmyard manure", "alamod"])
    return len(obs), {}


# ----------------------------------------------------------------------------------------------
# RothC official example
# ----------------------------------------------------------------------------------------------
def build_rothc_example(shared, out, props, rows):
    sid = "rothc_example"
    site = {"site_id": sid, "site_name": "Official RothC-26.3 example (Rothamsted climate, 1939-2007)",
            "latitude": 51.8094, "longitude": -0.3729,
            "coordinates_note": "APPROXIMATE: the example uses Rothamsted weather; Rothamsted, Harpenden",
            "elevation_m": None, "country": "GB", "network": "RothC model example (Rothamsted-Models/RothC_Code)",
            "land_use": "cropland", "experiment_start_year": 1939, "clay_pct": props["clay"],
            "silt_pct": props["silt"], "bulk_density_g_cm3": props["bd"], "sampling_depth_cm": props["depth"],
            "soil_properties_source": "RothC_input.dat header (clay, depth, IOM, silt, BD, OC)",
            "licence": "Apache-2.0", "citation": CIT_ROTHC}
    src = ("the official RothC example input RothC_input.dat, copied unchanged (C_inp, FYM, PC, DPM_RPM and "
           "%modern as given by the RothC authors)")
    treatments = [
        {"site_id": sid, "treatment_id": "spinup", "source_plot": "year 1 of RothC_input.dat",
         "description": "Equilibrium year of the example (year 1, repeated by RothC until SOC is at equilibrium)",
         "start_year": 1, "end_year": 1, "crop": "arable (example)", "fertiliser": "not stated",
         "manure_fresh_t_ha_yr": 0.0, "manure_c_t_ha_yr": 0.0, "residue_management": "none",
         "c_input_t_ha_yr": round(sum(r["c_input"] for r in rows if r["year"] == 1), 4),
         "c_input_method": "as given in " + src},
        {"site_id": sid, "treatment_id": "example", "source_plot": "years 1939-2007 of RothC_input.dat",
         "description": "Transient run 1939-2007 of the official RothC example", "start_year": 1939,
         "end_year": 2007, "crop": "arable (example)", "fertiliser": "not stated",
         "manure_fresh_t_ha_yr": 0.0, "manure_c_t_ha_yr": 0.0, "residue_management": "none",
         "c_input_t_ha_yr": round(float(np.mean([sum(r["c_input"] for r in rows if r["year"] == y)
                                                 for y in range(1939, 2008)])), 4),
         "c_input_method": "as given in " + src + " (value here: 1939-2007 mean)"}]
    cols = ["year", "month", "tas", "pr", "evap", "c_input", "fym", "cover", "dpm_rpm_ratio", "x_modern"]
    extra_meta = [("iom", fmt(props["iom"], 4), "t ha-1"), ("organic_carbon", fmt(props["oc"], 2), "percent"),
                  ("x_opt_rmmoist", str(props["opt_rmmoist"]), "1"), ("x_opt_smdbare", str(props["opt_smdbare"]), "1"),
                  ("x_min_rm_moist", fmt(props["min_rm_moist"], 2), "1"),
                  ("source", CIT_ROTHC + "; licence: Apache-2.0", None)]
    forcings = []
    for tid, sel in (("spinup", lambda r: r["year"] == 1), ("example", lambda r: r["year"] >= 1939)):
        rr = [r for r in rows if sel(r)]
        n_meta = write_forcing(os.path.join(out, f"forcing_{tid}.csv"), base_meta(site, tid, extra_meta), cols, rr)
        forcings.append((tid, n_meta, cols, False, "Monthly forcing exactly as in the RothC example input."))
    # reference outputs (model results, not observations)
    with open(os.path.join(shared, "rothc_reference", "year_results.out"), encoding="latin-1") as f:
        lines = f.read().splitlines()
    ref = []
    for ln in lines[1:]:
        p = [x.strip() for x in ln.split(",")]
        if len(p) >= 9 and int(p[0]) >= 1939:
            ref.append([p[0], p[1]] + p[2:9])
    write_csv(os.path.join(out, "reference_output_rothc.csv"),
              ["year", "month", "dpm", "rpm", "bio", "hum", "iom", "soc", "co2"], ref)
    pools = [field("year", "integer", "Year (end of December).", "yr", required=True, minimum=1939, maximum=2007),
             field("month", "integer", "Month of the state.", "1", required=True, minimum=1, maximum=12)]
    for n, d in (("dpm", "DPM pool"), ("rpm", "RPM pool"), ("bio", "BIO pool"), ("hum", "HUM pool"),
                 ("iom", "IOM pool"), ("soc", "total SOC"), ("co2", "cumulative CO2-C released in the year")):
        pools.append(field(n, "number", f"RothC-26.3 simulated carbon, {d}.", "t ha-1", required=True, minimum=0))
    extra = [resource_table("reference_output_rothc", "reference_output_rothc.csv",
                            "RothC reference output (MODEL RESULTS, not observations)",
                            "End-of-year pools from the official year_results.out, for regression tests of a RothC "
                            "implementation driven by forcing_spinup then forcing_example.", pools, ["year"])]
    desc = ("The official RothC-26.3 example (Farina et al. 2013 moisture option) as a site dataset: soil properties, "
            "the equilibrium year and the monthly 1939-2007 forcing, and the reference model output. There are NO "
            "SOC observations: soc_observations.csv is empty and reference_output_rothc.csv is model output.")
    write_package(out, site, treatments, [], forcings, desc,
                  [{"title": CIT_ROTHC, "path": "https://github.com/Rothamsted-Models/RothC_Code"}],
                  [{"title": "Kevin Coleman", "givenName": "Kevin", "familyName": "Coleman", "roles": ["author"]},
                   {"title": "Rothamsted Research", "roles": ["publisher", "rightsHolder"]}],
                  [APACHE], extra=extra, keywords=["RothC", "soil organic carbon", "model example", "alamod"])
    return 0


# ----------------------------------------------------------------------------------------------
# AMG example trial
# ----------------------------------------------------------------------------------------------
def build_amg_trial(shared, out):
    sid = "amg_trial1"
    d = os.path.join(shared, "amg_params")
    mgmt = read_semicolon(os.path.join(d, "inputs_MANAGEMENT.csv"))
    meteo = {int(r["Year"]): r for r in read_semicolon(os.path.join(d, "inputs_METEO.csv"))}
    soil = {r["Treatment"]: r for r in read_semicolon(os.path.join(d, "inputs_SOIL.csv"))}
    plant = read_plant_params(shared)
    eom = {r["EOM_name"]: float(r["C_conc_EOM"]) for r in read_semicolon(os.path.join(d, "parameters_EOM.csv"))}
    clay = float(soil["FYM"]["Clay"]) / 10.0
    depth = float(soil["FYM"]["Considered_depth"])
    site = {"site_id": sid, "site_name": "AMGv2 example trial TRIAL_1 (anonymised French arable trial)",
            "latitude": None, "longitude": None,
            "coordinates_note": "none: the AMG_base example trial is anonymised (France)",
            "elevation_m": None, "country": "FR", "network": "AMG_base example (INRAE)", "land_use": "cropland",
            "experiment_start_year": 2000, "clay_pct": clay, "silt_pct": None, "bulk_density_g_cm3": None,
            "sampling_depth_cm": depth,
            "soil_properties_source": ("inputs_SOIL.csv: clay 178 g kg-1 (after decarbonation), CaCO3 115 g kg-1, "
                                       "pH 8.35-8.39, C:N 10.4, considered depth 28 cm"),
            "licence": "CECILL-C", "citation": CIT_AMG}
    treatments, forcings, obs, bio = [], [], [], []
    tdesc = {"FYM": "Arable rotation (maize, wheat, barley, sugar beet, mustard cover crops) with bovine manure",
             "CON": "Same arable rotation without manure; wheat straw exported"}
    years = sorted(meteo)
    for trt in ("CON", "FYM"):
        tid = trt.lower()
        rs = [r for r in mgmt if r["Treatment"] == trt]
        per_year = {y: {"c": 0.0, "fym": 0.0, "fresh": 0.0, "yield": 0.0} for y in years}
        for r in rs:
            y = int(r["Year"])
            yl = float(r["Yield"] or 0)
            c = amg_plant_c(plant, r["Crop_type"], r["Crop_name"], yl, float(r["Hum"] or 0), r["Residues"], depth)
            per_year[y]["c"] += c
            if r["Crop_type"] == "MC":
                per_year[y]["yield"] = yl
            for k in ("1", "2", "3"):
                n, dose = r[f"EOM_name_{k}"], r[f"EOM_dose_{k}"]
                if n and dose:
                    per_year[y]["fym"] += float(dose) * eom[n] / 1000.0
                    per_year[y]["fresh"] += float(dose)
            if yl > 0 or r["Crop_name"] != "Bare soil":
                bio.append({"site_id": sid, "treatment_id": tid, "year": y, "crop_type": r["Crop_type"],
                            "crop_name": r["Crop_name"], "yield_dm": yl, "residues": r["Residues"],
                            "c_input_estimated": c})
        res = sorted({r["Residues"] for r in rs})
        treatments.append({
            "site_id": sid, "treatment_id": tid, "source_plot": f"TRIAL_1 {trt}", "description": tdesc[trt],
            "start_year": years[0], "end_year": years[-1],
            "crop": "grain maize / winter wheat / spring barley / sugar beet rotation, mustard cover crops 2014, 2016",
            "fertiliser": "not stated", "manure_fresh_t_ha_yr": round(np.mean([per_year[y]["fresh"] for y in years]), 3),
            "manure_c_t_ha_yr": round(np.mean([per_year[y]["fym"] for y in years]), 4),
            "residue_management": "returned" if res == ["Returned"] else "mixed",
            "c_input_t_ha_yr": round(float(np.mean([per_year[y]["c"] for y in years])), 4),
            "c_input_method": ("estimated, not measured: AMGv2 allometry (Clivot et al. 2019) with parameters_PLANT.csv "
                               "from the measured yields: C_total = yield_DM x C_conc_AG / RP (cover crops: / RS); "
                               "input = C_total x RS x (1 if residues returned else PSS) + C_total x (RR+RE) x "
                               "(1 - Beta^28 cm); manure C = dose x C_conc_EOM (bovine manure 83 kg C t-1 FW). "
                               "Value here: 2000-2018 mean; manure columns: mean per year over 2000-2018")})
        frows = []
        for y in years:
            m = meteo[y]
            frows.append({"year": y, "tas": float(m["T_mean"]), "pr": float(m["Rainfall"]), "pet": float(m["PET"]),
                          "c_input": per_year[y]["c"], "fym": per_year[y]["fym"], "yield": per_year[y]["yield"]})
        cols = ["year", "tas", "pr", "pet", "c_input", "fym", "yield"]
        s = soil[trt]
        meta = base_meta(site, tid, [("soc_initial", s["Initial_SOC_stock"], "t ha-1"), ("ph", s["pH"], "1"),
                                     ("x_caco3", s["CaCO3"], "g kg-1"), ("x_cn_ratio", s["CN_ratio"], "1"),
                                     ("source", CIT_AMG + "; licence: CeCILL-C", None)])
        n_meta = write_forcing(os.path.join(out, f"forcing_{tid}.csv"), meta, cols, frows, annual=True)
        forcings.append((tid, n_meta, cols, True, "ANNUAL forcing as in the AMG example (annual T, rainfall, "
                         "Penman PET), measured main-crop yield and ESTIMATED carbon inputs."))
        obs.append({"site_id": sid, "treatment_id": tid, "plot_id": "mean", "observation_date": "2000",
                    "observation_year": 2000, "layer_top": 0.0, "layer_bot": depth, "soc": None, "bd_samp": None,
                    "soc_stock": float(s["Initial_SOC_stock"]), "soc_stock_method": "source_reported",
                    "soc_stock_sd": None, "n_rep": None, "qc_flag": "unverified",
                    "note": "initial SOC stock of the AMG example (inputs_SOIL.csv); no later SOC measurements published"})
    bio.sort(key=lambda b: (b["treatment_id"], b["year"], b["crop_type"]))
    bpath = os.path.join(out, "biomass_observations.csv")
    os.makedirs(out, exist_ok=True)
    write_csv(bpath, [f["name"] for f in BIOMASS_FIELDS],
              [[b["site_id"], b["treatment_id"], b["year"], b["crop_type"], b["crop_name"], fmt(b["yield_dm"], 3),
                b["residues"], fmt(b["c_input_estimated"], 4)] for b in bio])
    extra = [resource_table("biomass_observations", "biomass_observations.csv", "Crop yields (measured)",
                            "Main-crop yields and cover-crop biomass of the AMG example trial, with the plant C "
                            "input estimated from them.", BIOMASS_FIELDS,
                            ["site_id", "treatment_id", "year", "crop_type"], [FK_SITE, FK_TREAT])]
    desc = ("The AMGv2 example trial TRIAL_1 (AMG_base, INRAE): an anonymised French arable trial 2000-2018 with two "
            "treatments (CON, FYM), annual climate, yields and manure doses. Only the initial SOC stock (0-28 cm) is "
            "given; there is NO measured SOC series. Plant C inputs are estimated from yields with the AMGv2 "
            "allometry.")
    write_package(out, site, treatments, obs, forcings, desc,
                  [{"title": CIT_AMG, "path": "https://github.com/inrae/AMG_base"}],
                  [{"title": "Hugues Clivot", "givenName": "Hugues", "familyName": "Clivot", "roles": ["author"]},
                   {"title": "INRAE", "roles": ["publisher", "rightsHolder"]}],
                  [CECILL_C], extra=extra, keywords=["AMG", "soil organic carbon", "arable", "France", "alamod"])
    return len(obs), len(bio)


# ----------------------------------------------------------------------------------------------
# CAMELS-FR climate for French cropland sites (no SOC observations)
# ----------------------------------------------------------------------------------------------
CAMELS_SITES = [("fr_canche_brimeux", "E540031001",
                 "Canche at Brimeux catchment (Pas-de-Calais), generic winter-wheat cropland"),
                ("fr_loing_episy", "F439000101",
                 "Loing at Episy catchment (Gatinais, Paris Basin), generic winter-wheat cropland")]
GENERIC_WHEAT_YIELD = 7.0  # t DM/ha, assumed typical French winter-wheat yield


def build_camels(shared, out, sid, code, name, plant):
    d = os.path.join(shared, "camels_fr_airgrdatasets")
    with open(os.path.join(d, "catchments_metadata.csv"), encoding="utf-8", newline="") as f:
        meta = {r["code"]: r for r in csv.DictReader(f)}[code]
    with gzip.open(os.path.join(d, f"{code}_daily.csv.gz"), "rt", encoding="utf-8", newline="") as f:
        daily = list(csv.DictReader(f))
    agg = {}
    for r in daily:
        y, m = int(r["Date"][:4]), int(r["Date"][5:7])
        a = agg.setdefault((y, m), [[], 0.0, 0.0])
        a[0].append(float(r["Temp"]))
        a[1] += float(r["Ptot"])
        a[2] += float(r["Evap"])
    c_wheat = amg_plant_c(plant, "MC", "Winter wheat", GENERIC_WHEAT_YIELD, 0.0, "Exported", 28.0)
    rows = []
    for (y, m) in sorted(agg):
        t, p, e = agg[(y, m)]
        rows.append({"year": y, "month": m, "tas": float(np.mean(t)), "pr": p, "pet": e,
                     "c_input": c_wheat if m == 7 else 0.0, "fym": 0.0, "cover": 0 if m in (8, 9) else 1,
                     "dpm_rpm_ratio": DPM_RPM_CROP})
    site = {"site_id": sid, "site_name": name, "latitude": float(meta["outlet_lat"]),
            "longitude": float(meta["outlet_lon"]),
            "coordinates_note": f"catchment outlet of CAMELS-FR {code} ({meta['name']}); the climate is the catchment mean",
            "elevation_m": float(meta["elev_median_m"]), "country": "FR", "network": "CAMELS-FR (airGRdatasets)",
            "land_use": "cropland", "experiment_start_year": 1999, "clay_pct": None, "silt_pct": None,
            "bulk_density_g_cm3": None, "sampling_depth_cm": 28.0,
            "soil_properties_source": "none: no soil data for this climate-only site (depth 28 cm = assumed plough layer)",
            "licence": "CC-BY-4.0", "citation": CIT_CAMELS}
    treatments = [{"site_id": sid, "treatment_id": "generic_wheat", "source_plot": None,
                   "description": "Hypothetical continuous winter wheat, straw exported (no real experiment)",
                   "start_year": 1999, "end_year": 2018, "crop": "winter wheat (assumed)", "fertiliser": "not specified",
                   "manure_fresh_t_ha_yr": 0.0, "manure_c_t_ha_yr": 0.0, "residue_management": "exported",
                   "c_input_t_ha_yr": round(c_wheat, 4),
                   "c_input_method": (f"ASSUMED: AMGv2 allometry (parameters_PLANT.csv, Winter wheat) for an assumed "
                                      f"typical French yield of {GENERIC_WHEAT_YIELD:.1f} t DM ha-1, straw exported "
                                      "(PSS 0.5 of straw C returned), roots in 0-28 cm; all in July (harvest)")}]
    m = base_meta(site, "generic_wheat", [("x_catchment_code", code, None),
                                          ("source", CIT_CAMELS + "; licence: CC-BY-4.0", None)])
    cols = ["year", "month", "tas", "pr", "pet", "c_input", "fym", "cover", "dpm_rpm_ratio"]
    n_meta = write_forcing(os.path.join(out, "forcing_generic_wheat.csv"), m, cols, rows)
    desc = (f"French cropland climate forcing from CAMELS-FR catchment {code} ({meta['name']}): daily SAFRAN-based "
            "catchment climate 1999-2018 aggregated to months (mean temperature, summed precipitation and Oudin PET). "
            "There are NO SOC observations for this site (soc_observations.csv is empty); the carbon input and "
            "crop calendar are assumptions for a generic winter-wheat field.")
    write_package(out, site, treatments, [],
                  [("generic_wheat", n_meta, cols, False,
                    "Monthly CAMELS-FR climate (daily means/sums) and ASSUMED generic winter-wheat inputs.")],
                  desc, [{"title": CIT_CAMELS, "path": "https://doi.org/10.32614/CRAN.package.airGRdatasets"}],
                  [{"title": "Olivier Delaigue", "givenName": "Olivier", "familyName": "Delaigue", "roles": ["author"]},
                   {"title": "INRAE", "roles": ["publisher"]}],
                  [CC_BY], keywords=["CAMELS-FR", "climate forcing", "France", "alamod"])


# ----------------------------------------------------------------------------------------------
def copy_sources(shared, dest):
    if os.path.realpath(shared) == os.path.realpath(dest):
        return
    for rel in SOURCE_FILES:
        src = os.path.join(shared, rel)
        dst = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(src, "rb") as f:
            b = f.read()
        if os.path.exists(dst):
            with open(dst, "rb") as f:
                if f.read() == b:
                    continue
        with open(dst, "wb") as f:
            f.write(b)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared", "data"),
                    help="source data collection (default ../shared/data; or data/sites/sources)")
    ap.add_argument("--out", default=os.path.join(ROOT, "data", "sites"), help="output folder (default data/sites)")
    ap.add_argument("--no-copy", action="store_true", help="do not copy the source files into <out>/sources")
    a = ap.parse_args()
    shared = a.shared
    if not os.path.isdir(os.path.join(shared, "rothamsted_lte")):
        sys.exit(f"error: {shared} has no rothamsted_lte/; pass --shared data/sites/sources")
    if not a.no_copy:
        copy_sources(shared, os.path.join(a.out, "sources"))
    props, rrows = read_rothc_input(shared)
    clim = RothamstedClimate(rrows)
    counts = {}
    counts["broadbalk"] = build_broadbalk(shared, os.path.join(a.out, "broadbalk"), clim, props)
    counts["hoosfield"] = build_hoosfield(shared, os.path.join(a.out, "hoosfield"), clim, props)
    counts["highfield_bare_fallow"] = build_bare_fallow(shared, os.path.join(a.out, "highfield_bare_fallow"), clim,
                                                        props)
    for sid, fn in (("highfield_ley_arable", build_highfield_ley_arable),
                    ("fosters_ley_arable", build_fosters_ley_arable),
                    ("woburn_ley_arable", build_woburn_ley_arable)):
        counts[sid], excluded = fn(shared, os.path.join(a.out, sid), clim, props)
        for why, n in sorted(excluded.items()):
            print(f"{sid}: {n} source records not converted: {why}")
    counts["rothc_example"] = build_rothc_example(shared, os.path.join(a.out, "rothc_example"), props, rrows)
    counts["amg_trial1"], nbio = build_amg_trial(shared, os.path.join(a.out, "amg_trial1"))
    plant = read_plant_params(shared)
    for sid, code, name in CAMELS_SITES:
        build_camels(shared, os.path.join(a.out, sid), sid, code, name, plant)
        counts[sid] = 0
    for k, v in counts.items():
        print(f"{k}: {v} SOC observations")
    print(f"amg_trial1: {nbio} biomass observations; total SOC observations {sum(counts.values())}")


if __name__ == "__main__":
    main()
