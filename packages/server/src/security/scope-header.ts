/** @module security/scope-header: decodes MTChat's X-Scope-Config header (base64 JSON of three scope levels). */
import { ScopeInput, type Scope } from '@parley/protocol';
import { AppError } from '../errors.js';
import { valueProblem } from './input-text.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** undefined when the header is absent; a 400 BAD_REQUEST when it is malformed. */
export function parseScopeHeader(raw: string | string[] | undefined): Scope | undefined {
  if (raw === undefined) return undefined;
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  if (value.length > 16 * 1024 || !BASE64.test(value) || value.length % 4 === 1) {
    throw new AppError('BAD_REQUEST', 'Invalid X-Scope-Config: not valid base64');
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    throw new AppError('BAD_REQUEST', 'Invalid X-Scope-Config: not valid JSON');
  }
  const parsed = ScopeInput.safeParse(json);
  if (!parsed.success) throw new AppError('BAD_REQUEST', 'Invalid X-Scope-Config: levels must be arrays of strings');
  const problem = valueProblem(parsed.data);
  if (problem) throw new AppError('BAD_REQUEST', `Invalid X-Scope-Config: ${problem}`);
  return parsed.data;
}
