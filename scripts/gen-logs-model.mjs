#!/usr/bin/env node
// Regenerates src/api/logs/{model/service.json,model/shapes.ts,faults.ts} from botocore's CloudWatch
// Logs model: only the log group, stream and event operations cachefleet serves.
//   npm run gen:logs-model [-- path/to/service-2.json.gz]
import { writeSubsetModel } from './model-subset.mjs';

writeSubsetModel({
  label: 'CloudWatch Logs', modelPath: 'data/logs/2014-03-28/service-2.json.gz', dir: 'src/api/logs',
  script: 'gen-logs-model.mjs', namesType: 'LogsOperationName', shapesType: 'LogsOperationShapes',
  operations: [
    'CreateLogGroup', 'DescribeLogGroups', 'DeleteLogGroup', 'PutRetentionPolicy',
    'DescribeLogStreams', 'GetLogEvents', 'FilterLogEvents',
  ],
});
