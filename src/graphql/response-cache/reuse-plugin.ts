import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { currentAnswerDependencies } from './answer-dependencies.js';

/**
 * Tells the answer being collected (when a response cache is collecting one) what only Apollo knows:
 * which operation ran, and whether the answer is a clean, complete query result. Mutations,
 * subscriptions, answers with any error and incremental (@defer) answers are never replayed: an error
 * may be transient (a deadline, a registry outage) and must not outlive the request that saw it.
 */
export function createReusePlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(request) {
          const dependencies = currentAnswerDependencies();
          if (dependencies === undefined) return;
          const body = request.response.body;
          const result = body.kind === 'single' ? body.singleResult : body.initialResult;
          if (body.kind !== 'single') dependencies.refuse('incremental');
          if ((request.errors?.length ?? 0) > 0 || (result.errors?.length ?? 0) > 0) {
            dependencies.refuse('errors');
          }
          const type = request.operation?.operation;
          if (type !== 'query') return dependencies.refuse('not-a-query');
          dependencies.noteOperation({ type, name: request.operationName ?? undefined });
        },
      };
    },
  };
}
