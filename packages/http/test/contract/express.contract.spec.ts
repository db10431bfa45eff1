import { defineContractSuite } from './contractSuite.js';
import { startExpressServer } from './servers/expressServer.js';

defineContractSuite('Express', startExpressServer);
