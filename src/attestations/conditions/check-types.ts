import { type CelEnv, type CelFunc, CelScalar, type CelType, listType, mapType } from '@bufbuild/cel';
import type { Expr } from './condition-env.js';

/** Why an expression cannot be typed, as a sentence fragment ("… does not type-check: <this>"). */
export class TypeProblem extends Error {}

/**
 * The static type of `expr` under `variables`, or a {@link TypeProblem}. @bufbuild/cel 0.6.1 ships a
 * checker (`check.js`) that handles only constants and identifiers (it throws on any call) and is not
 * exported, so this is a small one over the subset conditions use, resolving calls against the
 * overloads the environment itself declares (`env.funcs`: name, target, argument and result types) —
 * the evaluator's own table, so what type-checks here is what the evaluator can dispatch.
 *
 * `dyn` (JSON values: `predicate`, a statement's fields) matches every parameter, as in CEL: such
 * expressions are checked when they run. What is refused is what can never succeed whatever the
 * statement holds: an operator or function with no overload for the known types (`predicateType + 1`),
 * an unknown function, a field of a string, indexing a string, `&&` over a number.
 */
export function typeOf(expr: Expr, env: CelEnv, variables: ReadonlyMap<string, CelType>): CelType {
  const kind = expr.exprKind;
  switch (kind.case) {
    case 'constExpr':
      return constantType(kind.value.constantKind.case);
    case 'identExpr': {
      const type = variables.get(kind.value.name);
      // compile-conditions.ts refuses unknown names first; this only guards the invariant.
      if (type === undefined) throw new TypeProblem(`undeclared reference to '${kind.value.name}'`);
      return type;
    }
    case 'selectExpr': {
      const { operand, field, testOnly } = kind.value;
      if (operand === undefined) throw new TypeProblem(`selects '${field}' of nothing`);
      const of = typeOf(operand, env, variables);
      const value = fieldType(of, field);
      return testOnly ? CelScalar.BOOL : value;
    }
    case 'callExpr': {
      const { function: name, target, args } = kind.value;
      const targetType = target === undefined ? undefined : typeOf(target, env, variables);
      return callType(
        name,
        targetType,
        args.map((a) => typeOf(a, env, variables)),
        env,
      );
    }
    case 'listExpr':
      return listType(join(kind.value.elements.map((e) => typeOf(e, env, variables))));
    case 'structExpr': {
      if (kind.value.messageName !== '') {
        throw new TypeProblem(`builds a message '${kind.value.messageName}', which conditions cannot`);
      }
      const keys: CelType[] = [];
      const values: CelType[] = [];
      for (const entry of kind.value.entries) {
        if (entry.keyKind.case === 'mapKey') keys.push(typeOf(entry.keyKind.value, env, variables));
        if (entry.value !== undefined) values.push(typeOf(entry.value, env, variables));
      }
      const key = join(keys);
      if (!isMapKey(key)) throw new TypeProblem(`uses ${String(key)} as a map key`);
      return mapType(key, join(values));
    }
    case 'comprehensionExpr': {
      const c = kind.value;
      if (c.iterRange === undefined || c.accuInit === undefined) throw new TypeProblem('has an empty loop');
      const range = typeOf(c.iterRange, env, variables);
      const inner = new Map(variables);
      const [first, second] = iterationTypes(range);
      inner.set(c.iterVar, first);
      if (c.iterVar2 !== '') inner.set(c.iterVar2, second);
      inner.set(c.accuVar, typeOf(c.accuInit, env, variables));
      const typed = (e: Expr | undefined) => (e === undefined ? CelScalar.DYN : typeOf(e, env, inner));
      typed(c.loopCondition);
      typed(c.loopStep);
      return typed(c.result);
    }
    case undefined:
      throw new TypeProblem('has an empty expression');
    default:
      throw new TypeProblem('uses an unsupported construct');
  }
}

function constantType(kind: string | undefined): CelType {
  switch (kind) {
    case 'boolValue':
      return CelScalar.BOOL;
    case 'bytesValue':
      return CelScalar.BYTES;
    case 'doubleValue':
      return CelScalar.DOUBLE;
    case 'int64Value':
      return CelScalar.INT;
    case 'uint64Value':
      return CelScalar.UINT;
    case 'stringValue':
      return CelScalar.STRING;
    case 'nullValue':
      return CelScalar.NULL;
    default:
      throw new TypeProblem(`uses an unsupported literal (${String(kind)})`);
  }
}

/** `of.field`: a map with string keys gives its value type; `dyn` gives `dyn`; nothing else has fields. */
function fieldType(of: CelType, field: string): CelType {
  if (isDyn(of)) return CelScalar.DYN;
  if (of.kind === 'map' && accepts(of.key, CelScalar.STRING)) return of.value;
  throw new TypeProblem(`selects field '${field}' of a ${String(of)}, which has no fields`);
}

/** What a comprehension's variables range over: a list's elements, a map's keys (and values). */
function iterationTypes(range: CelType): [CelType, CelType] {
  if (isDyn(range)) return [CelScalar.DYN, CelScalar.DYN];
  if (range.kind === 'list') return [range.element, range.element];
  if (range.kind === 'map') return [range.key, range.value];
  throw new TypeProblem(`iterates over a ${String(range)}, which is not a list or map`);
}

function callType(name: string, target: CelType | undefined, args: CelType[], env: CelEnv): CelType {
  switch (name) {
    // The operators the evaluator implements itself rather than through env.funcs.
    case '_&&_':
    case '_||_':
      for (const arg of args) {
        if (!accepts(CelScalar.BOOL, arg)) {
          throw new TypeProblem(`'${operatorName(name)}' needs bool operands, not ${String(arg)}`);
        }
      }
      return CelScalar.BOOL;
    case '@not_strictly_false':
      return CelScalar.BOOL;
    case '_?_:_': {
      const [condition, then, otherwise] = args;
      if (condition !== undefined && !accepts(CelScalar.BOOL, condition)) {
        throw new TypeProblem(`'?:' needs a bool condition, not ${String(condition)}`);
      }
      return join([then ?? CelScalar.DYN, otherwise ?? CelScalar.DYN]);
    }
    case '_[_]':
      return indexType(args[0] ?? CelScalar.DYN, args[1] ?? CelScalar.DYN);
    case '_==_':
    case '_!=_':
      if (!comparable(args[0] ?? CelScalar.DYN, args[1] ?? CelScalar.DYN)) {
        throw new TypeProblem(
          `compares ${String(args[0])} with ${String(args[1])} ('${operatorName(name)}'), which are never equal`,
        );
      }
      return CelScalar.BOOL;
    default:
      return overloadType(name, target, args, env);
  }
}

/** The result of the overloads of `name` that accept these types; a problem when none does. */
function overloadType(name: string, target: CelType | undefined, args: CelType[], env: CelEnv): CelType {
  const group = env.funcs.find(name);
  const shown = operatorName(name);
  if (group === undefined) throw new TypeProblem(`calls an unknown function '${shown}'`);
  const fits = (f: CelFunc) =>
    (f.target === undefined) === (target === undefined) &&
    (f.target === undefined || target === undefined || accepts(f.target, target)) &&
    f.arguments.length === args.length &&
    f.arguments.every((param, n) => accepts(param, args[n] ?? CelScalar.DYN));
  const candidates = [...group].filter(fits);
  if (candidates.length === 0) {
    const applied = `(${args.map(String).join(', ')})`;
    throw new TypeProblem(
      target === undefined
        ? `has no overload of '${shown}' for ${applied}`
        : `has no overload of '${shown}' on ${String(target)} for ${applied}`,
    );
  }
  return join(candidates.map((f) => f.result));
}

function indexType(operand: CelType, index: CelType): CelType {
  if (isDyn(operand)) return CelScalar.DYN;
  if (operand.kind === 'list') {
    if (accepts(CelScalar.INT, index) || accepts(CelScalar.UINT, index)) return operand.element;
    throw new TypeProblem(`indexes a list with ${String(index)}, not an int`);
  }
  if (operand.kind === 'map') {
    if (accepts(operand.key, index)) return operand.value;
    throw new TypeProblem(`indexes a ${String(operand)} with ${String(index)}`);
  }
  throw new TypeProblem(`indexes a ${String(operand)}, which cannot be indexed`);
}

/** Whether a value of type `arg` can be passed where `param` is declared (`dyn` fits both ways). */
function accepts(param: CelType, arg: CelType): boolean {
  if (isDyn(param) || isDyn(arg)) return true;
  if (param.kind === 'list' && arg.kind === 'list') return accepts(param.element, arg.element);
  if (param.kind === 'map' && arg.kind === 'map') {
    return accepts(param.key, arg.key) && accepts(param.value, arg.value);
  }
  return param.kind === arg.kind && param.name === arg.name;
}

const NUMBERS = new Set(['int', 'uint', 'double']);

/**
 * Whether `==` can ever hold between the two types. CEL compares numbers across int, uint and double,
 * and null with anything at run time (a JSON field may be null); other kinds never equal each other.
 */
function comparable(a: CelType, b: CelType): boolean {
  if (accepts(a, b) || a.name === 'null_type' || b.name === 'null_type') return true;
  return NUMBERS.has(a.name) && NUMBERS.has(b.name);
}

/** The one type all of `types` have, else `dyn` (a list of mixed JSON values is a list of dyn). */
function join(types: readonly CelType[]): CelType {
  const [first, ...rest] = types;
  if (first === undefined) return CelScalar.DYN;
  return rest.every((t) => String(t) === String(first)) ? first : CelScalar.DYN;
}

function isDyn(type: CelType): boolean {
  return type.kind === 'scalar' && type.scalar === 'dyn';
}

function isMapKey(type: CelType): type is Parameters<typeof mapType>[0] {
  return type.kind === 'scalar' && ['int', 'uint', 'bool', 'string', 'dyn'].includes(type.scalar);
}

const OPERATORS: Readonly<Record<string, string>> = { '!_': '!', '-_': '-', '@in': 'in', '_[_]': '[]' };

/** `_+_` → `+`, `@in` → `in`: operators as the expression's author wrote them. */
function operatorName(name: string): string {
  return OPERATORS[name] ?? /^_(.+)_$/.exec(name)?.[1] ?? name;
}
