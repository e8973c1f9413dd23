import zlib from 'node:zlib'; import fs from 'node:fs';
import { buildClientSchema, isObjectType, isInputObjectType, isEnumType, getNamedType } from 'graphql';
const x = JSON.parse(zlib.gunzipSync(fs.readFileSync('/work/main/connectors/shopify/test/fixtures/admin-schema-2026-07.json.gz')));
const schema = buildClientSchema(x.data ?? x, { assumeValid: true });
const [kind, name, filter] = process.argv.slice(2);
if (kind === 'type') {
  const t = schema.getType(name);
  if (isEnumType(t)) { for (const v of t.getValues()) console.log(v.name, v.deprecationReason ? '(DEPRECATED '+v.deprecationReason+')':'', '-', (v.description??'').slice(0,150).replace(/\n/g,' ')); }
  else { console.log((t.description??'').slice(0,800));
  for (const [n, f] of Object.entries(t.getFields())) {
    if (filter && !n.toLowerCase().includes(filter.toLowerCase())) continue;
    const args = f.args ? f.args.map(a => `${a.name}: ${a.type}${a.deprecationReason?'(DEP)':''}`).join(', ') : '';
    console.log(`${n}${args?'('+args+')':''}: ${f.type}${f.deprecationReason ? '  DEPRECATED: '+f.deprecationReason.slice(0,100) : ''}  -- ${(f.description??'').slice(0,200).replace(/\n/g,' ')}`);
  }}
} else if (kind === 'query' || kind === 'mutation') {
  const root = kind==='query'? schema.getQueryType() : schema.getMutationType();
  const f = root.getFields()[name];
  console.log(f.description);
  for (const a of f.args) console.log('  arg', a.name, String(a.type), a.deprecationReason ? 'DEP':'' , (a.description??'').slice(0,200).replace(/\n/g,' '));
  console.log('=>', String(f.type), f.deprecationReason ?? '');
} else if (kind === 'directive') {
  for (const d of schema.getDirectives()) console.log(d.name, d.args.map(a=>a.name+':'+a.type).join(','), d.locations.join(','), (d.description??'').slice(0,300));
}
