import { accountListOperation } from './accountList';

export const { description, execute } = accountListOperation(
	'getPinterestBoards',
	'pinterest-boards',
	'searchPinterestAccounts',
	'Pinterest',
);
