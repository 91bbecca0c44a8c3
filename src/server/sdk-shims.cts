/**
 * What the production build (scripts/build.ts) puts in place of `@modelcontextprotocol/server/_shims`, whose Node
 * variant imports the SDK's AJV-based JSON Schema validator (about 300 KB) into every start.
 *
 * The SDK validates only one thing with it on a server: the content of an accepted form elicitation sent with
 * `elicitInput`. This server never sends one: destructive tools ask through `inputRequired`, whose 2025 shim passes
 * the answer on unvalidated and the tool checks it with its zod schema (`acceptedContent`). So the validator stays
 * the SDK's own, unchanged, and is loaded from its own file (dist/json-schema-validator.cjs) the first time anything
 * asks for one. test/build.test.ts checks both: not loaded by a start or by a confirmation, and correct when asked.
 */
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/server';

type Provider = new () => jsonSchemaValidator;

let provider: Provider | undefined;

export class DefaultJsonSchemaValidator implements jsonSchemaValidator {
  private inner?: jsonSchemaValidator;

  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    provider ??= (require('./json-schema-validator.cjs') as { AjvJsonSchemaValidator: Provider }).AjvJsonSchemaValidator;
    this.inner ??= new provider();
    return this.inner.getValidator<T>(schema);
  }
}

export { default as process } from 'node:process';
