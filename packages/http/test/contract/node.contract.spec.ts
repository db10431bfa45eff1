import { defineContractSuite } from './contractSuite.js';
import { startNodeServer } from './servers/nodeServer.js';

defineContractSuite('node:http', startNodeServer);
