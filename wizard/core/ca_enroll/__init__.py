"""Sending the CSR to the company's CA: Microsoft AD CS web enrollment and EST (RFC 7030).

- `transport`: one kept-alive HTTPS connection to the CA, with its authentication (Basic,
  Negotiate/Kerberos, NTLM, a client certificate) and an optional proxy;
- `adcs`: the pages of AD CS web enrollment (/certsrv);
- `est`: the EST operations (cacerts, simpleenroll, simplereenroll);
- `enroll`: the profile's side: send, keep a pending request, collect it later, import.
"""
