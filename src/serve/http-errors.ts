import { OptionsError } from '../errors.js';

/** The JSON body of every error answer: a stable `code`, the HTTP `error` text, the `field` at fault when one is. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  field?: string;
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error',
};

/** An error a route answers with: status, code, message and the field at fault. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The body of an error answer. Pure. */
export function errorBody(statusCode: number, code: string, message: string, field?: string): ErrorBody {
  return { statusCode, code, error: REASONS[statusCode] ?? 'Error', message, ...(field === undefined ? {} : { field }) };
}

/** One error of ajv, as fastify hands it over. */
interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** `/options/maxDepth` with context `body` becomes `options.maxDepth`; array items read `urls[0]`. Pure. */
function fieldOf(context: string, instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter(Boolean).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  const path = parts.reduce((text, part) => (/^\d+$/.test(part) ? `${text}[${part}]` : text === '' ? part : `${text}.${part}`), '');
  return path === '' ? context : context === 'body' ? path : `${context}.${path}`;
}

/** Turns the first schema error into a 400 naming the field. Pure. */
export function validationError(context: string, errors: readonly SchemaError[], modes: readonly string[]): ErrorBody {
  const error = errors[0];
  if (!error) return errorBody(400, 'invalid-request', `Invalid ${context}`, context);
  const { keyword, params, instancePath } = error;
  if (keyword === 'additionalProperties') {
    const field = fieldOf(context, instancePath, String(params['additionalProperty']));
    return errorBody(400, 'unknown-field', `Unknown field \`${field}\``, field);
  }
  if (keyword === 'required') {
    const field = fieldOf(context, instancePath, String(params['missingProperty']));
    return errorBody(400, 'missing-field', `\`${field}\` is required`, field);
  }
  if (keyword === 'discriminator') {
    const field = fieldOf(context, instancePath, String(params['tag'] ?? 'mode'));
    const value = params['tagValue'];
    return errorBody(400, 'unknown-mode', `Unknown ${field} ${JSON.stringify(value)}: expected one of ${modes.join(', ')}`, field);
  }
  const field = fieldOf(context, instancePath);
  if (keyword === 'pattern' && /(^|\.)urls\[\d+\]$|^webhook$/.test(field))
    return errorBody(400, 'invalid-url', `Expected \`${field}\` to be an absolute http(s) URL`, field);
  return errorBody(400, 'invalid-request', `\`${field}\` ${error.message ?? 'is invalid'}`, field);
}

/** The field of a job request an OptionsError is about: `urls` for start URLs, `options.<name>` otherwise. Pure. */
export function optionsErrorBody(error: OptionsError): ErrorBody {
  // The API's `urls` are the library's `startUrls`.
  if (error.option === 'startUrls') return errorBody(400, 'invalid-option', error.message.replaceAll('`startUrls`', '`urls`'), 'urls');
  return errorBody(400, 'invalid-option', error.message, `options.${error.option}`);
}
