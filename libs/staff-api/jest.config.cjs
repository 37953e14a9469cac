module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'staff-api',
  rootDir: __dirname,
};
