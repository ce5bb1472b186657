#!/usr/bin/env python3
"""Build gagas's compact gazetteer tables (data/geo/*.tsv) from the staged geo
reference data (see data/README.md, section "geo").

    python3 data/geo/build_tables.py [SHARED_DIR]    # default: $GAGAS_SHARED or ../shared

Deterministic: same inputs, same bytes out (rows sorted, LF, UTF-8).
Inputs: data/geo/regions.csv, aliases.csv, regency_to_dapil_dpr_ri_2024.csv,
dapil_dpr_ri_2024.csv, dapil_dpr_ri_aliases.csv under SHARED_DIR. Python standard library only.
"""
import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Aliases whose bare form is also an everyday word, a person's or an ethnic
# group's name, slang or a place abroad: the matcher accepts them only with a
# cue (prefix, "di"/"warga"/…, a co-mentioned parent province, a hashtag).
# The staged `caution` column marks most; cautions that only say "also a
# kecamatan/area elsewhere" still name a place in Indonesia and need no cue.
PLACE_CAUTION = ("kecamatan", "villages", "Jakarta", "places elsewhere", "Kab.", "Kota Blitar", "Lake Toba")
# Cue-needing names that informal writers put in lower case after "di",
# "ke" or "dari", where the everyday reading does not fit the grammar ("di
# malang", "ke solo"). Not batu/padang/puncak/serang/palu: "di batu", "di
# padang pasir", "di puncak gunung", "di serang" (= diserang) are common.
LOWER_AFTER_LOCATIVE = {"malang", "solo", "medan", "pati", "kudus", "tegal", "bangka", "mataram",
                        "pontianak", "lombok", "bima"}
EXTRA_CUE = {
    # everyday words not marked upstream
    "medan",    # medan = field/terrain ("medan perang")
    "lombok",   # lombok = chili in Javanese
    "meranti",  # a tree
    "malaka",   # the Strait / Melaka
    "mura", "pali", "palas", "tual", "sigi", "belu", "balam",
    "badung",   # anak badung = a naughty child
    "poso",     # Javanese: fasting
    "sorong",   # to push
    "subang",   # an earring
    "binjai",   # a fruit
    "biak",     # root of berbiak (to breed)
    "bau bau",  # bau-bau = smells (Kota Baubau)
    "kaur",     # kepala urusan, a village official ("kaur desa")
    "karimun",  # a car model (Suzuki Karimun)
    "bungo",    # Minang: flower
    "pesisir barat", "pesisir selatan",  # the west / south coast
    "50 kota", "lima puluh kota",        # "di 50 kota" = in fifty cities
    "muna",     # slang: munafik
    "ketapang", # a tree and its fruit ("buah ketapang")
}


# Short letter abbreviations are also names of people (SBY, SMI) and chat
# shorthand (smg = semoga, sbb = sebagai berikut): they need a cue, except
# these, which mean the region in ordinary writing.
SAFE_ABBR = {"dki", "diy", "dkj", "ntt", "ntb", "nad", "ikn", "jkt"}


def norm(s):
    out = []
    for ch in s.lower():
        out.append(" " if ch in ".,'()/-_#@" else ch)
    return " ".join("".join(out).split())


def main():
    shared = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("GAGAS_SHARED") or os.path.join(HERE, "..", "..", "..", "shared")
    geo = os.path.join(shared, "data", "geo")

    def rows(name):
        with open(os.path.join(geo, name), encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    dapil_of = {r["code"]: r["dapil_dpr_ri_code"] for r in rows("regency_to_dapil_dpr_ri_2024.csv")}
    regions = rows("regions.csv")
    with open(os.path.join(HERE, "regions.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("# code\ttype\tparent\tname\tname_short\tdapil_dpr_ri\n")
        for r in sorted(regions, key=lambda r: r["code"]):
            f.write("\t".join([r["code"], r["type"], r["parent_code"], r["name"], r["name_short"],
                               dapil_of.get(r["code"], "")]) + "\n")

    with open(os.path.join(HERE, "dapil.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("# dapil_code\tname\tprovince\tseats\n")
        for r in sorted(rows("dapil_dpr_ri_2024.csv"), key=lambda r: r["dapil_code"]):
            f.write("\t".join([r["dapil_code"], r["dapil_name"], r["province_code"], r["seats"]]) + "\n")

    # explicit dapil mentions ("Dapil Jabar V", "dapil DKI Jakarta 2"): only
    # the forms that say "dapil", since "Jabar 5" alone is ambiguous
    dap = set()
    for a in rows("dapil_dpr_ri_aliases.csv"):
        n = norm(a["alias"])
        if n.startswith("dapil "):
            dap.add((n, a["dapil_code"]))
    with open(os.path.join(HERE, "dapil_aliases.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("# alias_norm\tdapil_code\n")
        for t in sorted(dap):
            f.write("\t".join(t) + "\n")

    out = set()
    for a in rows("aliases.csv"):
        n = norm(a["alias"])
        if n != a["alias_norm"]:
            sys.exit("alias_norm mismatch: %r vs %r" % (n, a["alias_norm"]))
        # "D.I. Jogja" normalizes to "di jogja", which is also the everyday
        # "di Jogja" (in Jogja): the prefix-free alias covers both readings
        if a["alias_norm"].startswith("di "):
            continue
        flags = ""
        c = a["caution"]
        short = len(a["alias_norm"]) <= 3 and a["alias_norm"].isalpha() and a["alias_norm"] not in SAFE_ABBR
        if (c and not any(p in c for p in PLACE_CAUTION)) or a["alias_norm"] in EXTRA_CUE or short:
            flags += "c"
        if "multi-unit" in a["note"]:
            flags += "m"
        if "c" in flags and a["alias_norm"] in LOWER_AFTER_LOCATIVE:
            flags += "l"
        out.add((a["alias_norm"], a["alias_key"], a["code"], flags or "-"))
    with open(os.path.join(HERE, "aliases.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("# alias_norm\talias_key\tcode\tflags (c = needs a cue, m = member of a multi-unit region, "
                "l = lower case is enough after di/ke/dari)\n")
        for t in sorted(out):
            f.write("\t".join(t) + "\n")


if __name__ == "__main__":
    main()
