#!/usr/bin/env node
// Regenerates src/api/cloudwatch/{model/service.json,model/shapes.ts,faults.ts} from botocore's
// CloudWatch (monitoring) model: only the metric, alarm and tag operations cachefleet serves.
//   npm run gen:cloudwatch-model [-- path/to/service-2.json.gz]
import { writeSubsetModel } from './model-subset.mjs';

writeSubsetModel({
  label: 'CloudWatch', modelPath: 'data/cloudwatch/2010-08-01/service-2.json.gz', dir: 'src/api/cloudwatch',
  script: 'gen-cloudwatch-model.mjs', namesType: 'CloudWatchOperationName', shapesType: 'CloudWatchOperationShapes',
  operations: [
    'PutMetricData', 'GetMetricStatistics', 'GetMetricData', 'ListMetrics',
    'PutMetricAlarm', 'DescribeAlarms', 'DescribeAlarmsForMetric', 'DescribeAlarmHistory', 'DeleteAlarms',
    'SetAlarmState', 'EnableAlarmActions', 'DisableAlarmActions',
    'TagResource', 'UntagResource', 'ListTagsForResource',
  ],
});
