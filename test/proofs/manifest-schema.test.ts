/**
 * proofs.json against its JSON schema (docs/proofs.schema.json, which the manifest names in
 * `$schema`): the project's own manifest must validate, and the schema's list of scopes must be
 * the model's (a scope added to model/config.ts without the schema made proofs.json invalid for
 * any editor that checks it, unnoticed: the `reclaim` scope was missing until issue #14).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect, it } from 'vitest';
import { SCOPES } from '../../model/config.js';
import { ROOT } from '../cli/helpers.js';

const read = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));

it('the schema names exactly the scopes of model/config.ts', () => {
  const schema = read('docs/proofs.schema.json');
  expect(schema.properties.gates.items.properties.scope.enum).toEqual(SCOPES.map((s) => s.name));
});

it('proofs.json validates against docs/proofs.schema.json', () => {
  const ajv = new Ajv2020({ allErrors: true, strictRequired: false });
  const validate = ajv.compile(read('docs/proofs.schema.json'));
  const ok = validate(read('proofs.json'));
  expect(ok, ajv.errorsText(validate.errors)).toBe(true);
});
