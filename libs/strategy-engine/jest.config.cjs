module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'strategy-engine',
  rootDir: __dirname,
};
