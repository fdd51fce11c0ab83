export * from './budgets';
export * from './limits';
export * from './planner';
export { earliestFit, accountFits, earliestAccountFit } from './window';
