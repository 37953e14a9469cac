module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'dispatch-service',
  rootDir: __dirname,
};
