// A tiny app: it keeps each account's API token with keytar.
const keytar = require('keytar');

const SERVICE = 'com.example.cli';

async function signIn(account, token) {
  await keytar.setPassword(SERVICE, account, token);
}

async function tokenFor(account) {
  return keytar.getPassword(SERVICE, account);
}

async function signedIn() {
  return (await keytar.findCredentials(SERVICE)).map((c) => c.account).sort();
}

async function signOut(account) {
  return keytar.deletePassword(SERVICE, account);
}

module.exports = { signIn, tokenFor, signedIn, signOut };
