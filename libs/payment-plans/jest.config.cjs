module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'payment-plans',
  rootDir: __dirname,
};
