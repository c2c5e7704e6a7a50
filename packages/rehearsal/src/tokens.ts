import { isBasicExpression, isBoolean, isMapping, isNumber, isSequence, isString } from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { evaluateExpression, type StatusScope } from './expressions.js';

/**
 * Turns a parsed workflow token into a plain value, evaluating every `${{ }}` in it. Strings that
 * mix text and expressions arrive from the parser as one `format(...)` expression.
 */
export function evaluateToken(token: TemplateToken | undefined, contexts: Record<string, unknown>, status?: StatusScope): unknown {
  if (token === undefined) return undefined;
  if (isBasicExpression(token)) return evaluateExpression(token.expression, contexts, status);
  if (isString(token)) return token.value;
  if (isBoolean(token)) return token.value;
  if (isNumber(token)) return token.value;
  if (isSequence(token)) return [...token].map((item) => evaluateToken(item, contexts, status));
  if (isMapping(token)) {
    const result: Record<string, unknown> = {};
    for (const { key, value } of token) result[String(evaluateToken(key, contexts, status))] = evaluateToken(value, contexts, status);
    return result;
  }
  if (token.templateTokenType === 7) return null;
  throw new Error(`the rehearsal runner cannot evaluate a ${token.constructor.name} (line ${token.line ?? '?'})`);
}
