import { defineSnsAction, pageOf } from '../deps.js';
import type { ListSubscriptionsInput, ListSubscriptionsResponse } from '../model/shapes.js';
import { presentSubscription } from '../present.js';

export default defineSnsAction<ListSubscriptionsInput, ListSubscriptionsResponse>('ListSubscriptions', async (input, deps) => {
  const subs = (await deps.store.list('snsSubscription')).map((s) => s.doc);
  const page = pageOf(subs, (s) => s.id, input.NextToken);
  return { Subscriptions: page.items.map(presentSubscription), ...(page.NextToken ? { NextToken: page.NextToken } : {}) };
});
