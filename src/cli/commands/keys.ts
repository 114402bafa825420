import type { Command } from 'commander';
import type { RegisterKeyOptions } from '../../keys/key-register.command.js';
import type { Print } from '../print.js';

/*
 * The key commands. keygen, seal and open are local file commands (no database); key register talks
 * to a running server over GraphQL. Their work, and OpenPGP with it, loads only when one runs.
 */

/** Adds `keygen`, `seal` and `open`. Errors propagate to the CLI's one-line reporter. */
export function registerKeyCommands(program: Command, print: Print): void {
  program
    .command('keygen')
    .description('make an agency OpenPGP key pair (v4 Curve25519, GnuPG 2.2 compatible) and write it as armored files')
    .requiredOption('--agency <code>', 'agency code, e.g. JM')
    .requiredOption('--out <dir>', 'directory for <CODE>.public.asc, <CODE>.private.asc and <CODE>.revocation.asc')
    .option('--passphrase-file <file>', 'protect the private key with the first line of this file')
    .action(async (options: { agency: string; out: string; passphraseFile?: string }) => {
      const { keygen } = await import('../../keys/key-commands.js');
      const result = await keygen(options);
      print(`public key: ${result.publicKeyFile}`);
      print(`private key: ${result.privateKeyFile}`);
      print(`revocation certificate: ${result.revocationCertificateFile}`);
      print(`fingerprint: ${result.fingerprint}`);
      print(`register it: WINDWARD_TOKEN=<agency admin key> windward key register --public-key ${result.publicKeyFile} --private-key ${result.privateKeyFile}`);
    });

  program
    .command('seal')
    .description('sign a JSON report with the agency key and encrypt it to the platform key; prints the armored envelope')
    .requiredOption('--signing-key <file>', "the agency's armored private key")
    .requiredOption('--to <file>', "the recipient's armored public key (the platform key, from the platformKey query)")
    .option('--passphrase-file <file>', 'the signing key passphrase (first line)')
    .argument('<report>', 'the report, a JSON object')
    .action(async (reportFile: string, options: { signingKey: string; to: string; passphraseFile?: string }) => {
      const { seal } = await import('../../keys/key-commands.js');
      const envelope = await seal(reportFile, options);
      process.stdout.write(envelope.endsWith('\n') ? envelope : `${envelope}\n`);
    });

  program
    .command('open')
    .description('decrypt a message (sealed output, a sealed envelope) with your private key and print it; with --verify-with, only once its signature by that key is checked')
    .requiredOption('--key <file>', 'your armored private key')
    .option('--passphrase-file <file>', 'the private key passphrase (first line)')
    .option('--verify-with <file>', "the signer's armored public key: a good signature by it is required")
    .argument('<message>', 'the OpenPGP message, armored or binary')
    .action(async (messageFile: string, options: { key: string; verifyWith?: string; passphraseFile?: string }) => {
      const { open } = await import('../../keys/key-commands.js');
      const result = await open(messageFile, options);
      process.stdout.write(result.plaintext);
      if (result.signature) {
        const when = result.signature.signedAt ? ` made ${result.signature.signedAt.toISOString()}` : '';
        process.stderr.write(`windward: good signature by ${result.signature.signerFingerprint}${when}\n`);
      } else if (result.uncheckedSigners.length > 0) {
        process.stderr.write(`windward: not verified: signed by key ID ${result.uncheckedSigners.join(', ')}; give that public key with --verify-with to check it\n`);
      } else {
        // Windward's sealed output is such a message: it is as trustworthy as the API answer it came in.
        process.stderr.write('windward: not verified: the message is not signed (Windward\'s sealed output is not); --verify-with requires a signature\n');
      }
    });
}

/** Adds `key register`. */
export function registerKeyRegisterCommand(program: Command, print: Print): void {
  program
    .command('key')
    .description("agency keys on a running Windward")
    .command('register')
    .description("register the agency's public key, proving possession of its private key (signs the platform's challenge)")
    .option('--url <url>', 'the GraphQL endpoint', 'http://localhost:4000/graphql')
    .requiredOption('--public-key <file>', 'the armored public key to register (e.g. JM.public.asc from keygen)')
    .requiredOption('--private-key <file>', 'its armored private key; used here to sign, never sent')
    .option('--passphrase-file <file>', 'the private key passphrase (first line)')
    .action(async (options: RegisterKeyOptions) => {
      const { registerAgencyKeyRemotely } = await import('../../keys/key-register.command.js');
      const registered = await registerAgencyKeyRemotely(options);
      print(`registered: ${registered.fingerprint} for ${registered.agencyCode}`);
    });
}
