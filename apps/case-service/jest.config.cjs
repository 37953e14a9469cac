module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'case-service',
  rootDir: __dirname,
};
