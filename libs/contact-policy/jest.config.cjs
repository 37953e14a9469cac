module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'contact-policy',
  rootDir: __dirname,
};
