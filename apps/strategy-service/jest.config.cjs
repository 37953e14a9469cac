module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'strategy-service',
  rootDir: __dirname,
};
