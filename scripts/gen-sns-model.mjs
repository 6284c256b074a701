#!/usr/bin/env node
// Regenerates src/api/sns/{model/service.json,model/shapes.ts,faults.ts} from botocore's SNS model:
// only the topic, subscription and publish operations cachefleet serves.
//   npm run gen:sns-model [-- path/to/service-2.json.gz]
import { writeSubsetModel } from './model-subset.mjs';

writeSubsetModel({
  label: 'SNS', modelPath: 'data/sns/2010-03-31/service-2.json.gz', dir: 'src/api/sns',
  script: 'gen-sns-model.mjs', namesType: 'SnsOperationName', shapesType: 'SnsOperationShapes',
  operations: [
    'CreateTopic', 'ListTopics', 'GetTopicAttributes', 'SetTopicAttributes', 'DeleteTopic',
    'Subscribe', 'ConfirmSubscription', 'ListSubscriptions', 'ListSubscriptionsByTopic', 'Unsubscribe', 'Publish',
  ],
});
