export { ImprimaturError, UnreachableCaseError } from './base-error.js';
