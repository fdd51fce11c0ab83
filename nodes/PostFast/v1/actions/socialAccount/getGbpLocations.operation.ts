import { accountListOperation } from './accountList';

export const { description, execute } = accountListOperation(
	'getGbpLocations',
	'gbp-locations',
	'searchGbpAccounts',
	'Google Business Profile',
);
