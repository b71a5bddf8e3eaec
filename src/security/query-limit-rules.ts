import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { QueryLimitError, type QueryLimitCode, type QueryLimits } from './query-limits.js';

/**
 * Validation rules for {@link QueryLimits}: depth, aliases and expanded field count. Each is computed
 * per operation with fragment spreads followed, memoised per fragment (so a fragment bomb costs its
 * size to measure, not its expansion) and with a guard against fragment cycles (graphql-js's own
 * NoFragmentCyclesRule reports those; here they must only not loop forever).
 */
interface Measure {
  readonly depth: number;
  readonly aliases: number;
  readonly fields: number;
}

const NOTHING: Measure = { depth: 0, aliases: 0, fields: 0 };
const INTROSPECTION_ROOTS: ReadonlySet<string> = new Set(['__schema', '__type']);

class DocumentMeasurer {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly measured = new Map<string, Measure>();
  private readonly inProgress = new Set<string>();

  constructor(context: ValidationContext) {
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    }
  }

  operation(node: OperationDefinitionNode): Measure {
    return this.selectionSet(node.selectionSet);
  }

  private fragment(name: string): Measure {
    const known = this.measured.get(name);
    if (known !== undefined) return known;
    const definition = this.fragments.get(name);
    if (definition === undefined || this.inProgress.has(name)) return NOTHING;
    this.inProgress.add(name);
    const measure = this.selectionSet(definition.selectionSet);
    this.inProgress.delete(name);
    this.measured.set(name, measure);
    return measure;
  }

  private selectionSet(set: SelectionSetNode): Measure {
    let depth = 0;
    let aliases = 0;
    let fields = 0;
    for (const selection of set.selections) {
      let inner: Measure;
      switch (selection.kind) {
        case Kind.FIELD: {
          const below = selection.selectionSet ? this.selectionSet(selection.selectionSet) : NOTHING;
          // Introspection nests deeper than any real query (GraphiQL's own introspection query is 15
          // levels), and graphql-js's MaxIntrospectionDepthRule already bounds its one costly
          // recursion (`fields { type { fields ...`): depth below `__schema`/`__type` is not counted.
          // Its aliases and fields are.
          const introspection = INTROSPECTION_ROOTS.has(selection.name.value);
          inner = {
            depth: introspection ? 1 : below.depth + 1,
            aliases: below.aliases + (selection.alias ? 1 : 0),
            fields: below.fields + 1,
          };
          break;
        }
        case Kind.INLINE_FRAGMENT:
          inner = this.selectionSet(selection.selectionSet);
          break;
        case Kind.FRAGMENT_SPREAD:
          inner = this.fragment(selection.name.value);
          break;
      }
      depth = Math.max(depth, inner.depth);
      // Saturating sums: an exponential expansion must not overflow into nonsense.
      aliases = Math.min(aliases + inner.aliases, Number.MAX_SAFE_INTEGER);
      fields = Math.min(fields + inner.fields, Number.MAX_SAFE_INTEGER);
    }
    return { depth, aliases, fields };
  }
}

function reject(
  context: ValidationContext,
  node: OperationDefinitionNode,
  code: QueryLimitCode,
  message: string,
) {
  context.reportError(
    new GraphQLError(message, { nodes: [node], originalError: new QueryLimitError(code, message) }),
  );
}

/** One rule for all three limits: the document is measured once per operation. */
export function queryLimitsRule(limits: QueryLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const measurer = new DocumentMeasurer(context);
    return {
      OperationDefinition(node) {
        const { depth, aliases, fields } = measurer.operation(node);
        const name = node.name ? ` "${node.name.value}"` : '';
        if (depth > limits.maxDepth) {
          reject(
            context,
            node,
            'QUERY_TOO_DEEP',
            `operation${name} nests ${depth} levels deep; the limit is ${limits.maxDepth}`,
          );
        }
        if (aliases > limits.maxAliases) {
          reject(
            context,
            node,
            'TOO_MANY_ALIASES',
            `operation${name} uses ${aliases} aliases; the limit is ${limits.maxAliases} (use images(refs:) for many images)`,
          );
        }
        if (fields > limits.maxFields) {
          reject(
            context,
            node,
            'QUERY_TOO_COMPLEX',
            `operation${name} selects ${fields > 1e9 ? 'more than a billion' : fields} fields once fragments are expanded; the limit is ${limits.maxFields}`,
          );
        }
        return false; // measured as a whole; nothing below needs visiting
      },
    };
  };
}
