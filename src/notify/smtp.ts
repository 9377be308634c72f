import { createTransport } from 'nodemailer';
import type { Mailer } from './dispatcher.ts';

/**
 * A Mailer over SMTP (nodemailer), e.g. `smtp://127.0.0.1:2525` or
 * `smtps://user:pass@smtp.example.jp`. One connection per message: the programme sends a few
 * hundred messages a year, and a fresh connection never carries a failed session's state.
 */
export function smtpMailer(url: string): Mailer {
  const transport = createTransport({
    url,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    // Messages carry only what renderEmail put in them: no files or URLs to fetch.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    send: async (message) => {
      await transport.sendMail({
        messageId: message.messageId,
        date: message.date,
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        attachments: message.attachments,
      });
    },
    close: () => transport.close(),
  };
}
