export * from './budgets';
export * from './limits';
export * from './planner';
export * from './types';
export { earliestFit, accountFits, earliestAccountFit } from './window';
