export { ServiceRuntimeModule, type ServiceRuntimeOptions } from './service-runtime.module';
