<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja" sourcelanguage="en">
<context>
    <name>BusyBar</name>
    <message>
        <location filename="../wizard/ui/widgets/busy.py" line="+20"/>
        <source>Working</source>
        <translation>処理中</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>(Cancel stops it.)</source>
        <translation>(キャンセルで中止します。)</translation>
    </message>
</context>
<context>
    <name>CaEnrollPanel</name>
    <message>
        <location filename="../wizard/ui/widgets/ca_enroll_panel.py" line="+81"/>
        <source>Send to the company CA</source>
        <translation>社内 CA に送信</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>If your company&apos;s CA offers Microsoft AD CS web enrollment (…/certsrv) or EST, the wizard sends the request and brings the certificate back. A request an administrator must approve is kept in the profile: come back later and ask again.</source>
        <translation>社内の CA が Microsoft AD CS Web 登録 (…/certsrv) または EST に対応している場合、ウィザードが要求を送信し、証明書を取得します。管理者の承認が必要な要求はプロファイルに保存されます。後で戻ってもう一度問い合わせてください。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>AD CS web enrollment</source>
        <translation>AD CS Web 登録</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>EST (RFC 7030)</source>
        <translation>EST (RFC 7030)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the template&apos;s short name</source>
        <translation>テンプレートの短い名前</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Template:</source>
        <translation>テンプレート(&amp;T):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;List</source>
        <translation>一覧(&amp;L)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ask the CA which templates it offers you</source>
        <translation>CA が提供するテンプレートを問い合わせます</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+7"/>
        <source>Templates the CA offers</source>
        <translation>CA が提供するテンプレート</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>DOMAIN\name</source>
        <translation>DOMAIN\name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;User:</source>
        <translation>ユーザー(&amp;U):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>kept in the keyring after it worked</source>
        <translation>成功後にキーリングに保存されます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pass&amp;word:</source>
        <translation>パスワード(&amp;W):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Send to the &amp;company CA</source>
        <translation>社内 CA に送信(&amp;C)</translation>
    </message>
    <message>
        <location line="-33"/>
        <source>Kind o&amp;f CA:</source>
        <translation>CA の種類(&amp;F):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>CA a&amp;ddress:</source>
        <translation>CA のアドレス(&amp;D):</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Sign &amp;in with:</source>
        <translation>サインイン方法(&amp;I):</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Ask th&amp;e CA again</source>
        <translation>CA に再度問い合わせ(&amp;E)</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Kerberos (the logged-on user)</source>
        <translation>Kerberos (ログオン中のユーザー)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>NTLM (user and password)</source>
        <translation>NTLM (ユーザーとパスワード)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Basic (user and password)</source>
        <translation>Basic (ユーザーとパスワード)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>User and password (Basic)</source>
        <translation>ユーザーとパスワード (Basic)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The current certificate (renewal)</source>
        <translation>現在の証明書 (更新)</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>The request is %1.</source>
        <translation>要求の状態: %1。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Sending the request to the company CA…</source>
        <translation>社内 CA に要求を送信しています…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Asking the company CA…</source>
        <translation>社内 CA に問い合わせています…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Asking the CA for its templates…</source>
        <translation>CA にテンプレートを問い合わせています…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The CA&apos;s request page lists no templates for you: ask the CA administrators for the template name and type it.</source>
        <translation>CA の要求ページにはあなたが使えるテンプレートがありません。CA の管理者にテンプレート名を確認して入力してください。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Still waiting for the CA</source>
        <translation>引き続き CA を待っています</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The CA keeps the request pending</source>
        <translation>CA は要求を保留しています</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>An administrator must approve it. You can close the program: when you resume this sender system, ask the CA again here.</source>
        <translation>管理者の承認が必要です。プログラムを閉じてもかまいません。この送信側システムを再開したら、ここで CA に再度問い合わせてください。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Issued to: %1</source>
        <translation>発行先: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issued by: %1</source>
        <translation>発行者: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid until: %1</source>
        <translation>有効期限: %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The company CA issued the certificate</source>
        <translation>社内 CA が証明書を発行しました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The certificate and its chain are stored in the profile. Next shows them.</source>
        <translation>証明書とそのチェーンはプロファイルに保存されました。[次へ] で表示します。</translation>
    </message>
</context>
<context>
    <name>CertWizard</name>
    <message>
        <location filename="../wizard/ui/wizard.py" line="+66"/>
        <source>SAP Cloud Integration: client certificate wizard</source>
        <translation>SAP Cloud Integration: クライアント証明書ウィザード</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>&amp;Finish</source>
        <translation>完了(&amp;F)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Back to the list of sender systems</source>
        <translation>送信側システムの一覧に戻ります</translation>
    </message>
    <message>
        <location line="+76"/>
        <source>Discard what you typed?</source>
        <translation>入力した内容を破棄しますか?</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What you typed on this page is not saved yet. Leave the page and lose it? Everything saved before stays in the profile.</source>
        <translation>このページで入力した内容はまだ保存されていません。ページを離れて破棄しますか? それ以前に保存した内容はプロファイルに残ります。</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>Stop what is running; nothing is written</source>
        <translation>実行中の処理を中止します。何も書き込まれません</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Close the wizard</source>
        <translation>ウィザードを閉じます</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Back to the list of sender systems; what is saved stays</source>
        <translation>送信側システムの一覧に戻ります。保存済みの内容は残ります</translation>
    </message>
</context>
<context>
    <name>CertificateDetails</name>
    <message>
        <location filename="../wizard/ui/widgets/cert_details.py" line="+28"/>
        <source>Certificate details</source>
        <translation>証明書の詳細</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>yes</source>
        <translation>はい</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>いいえ</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Subject:</source>
        <translation>サブジェクト:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issuer:</source>
        <translation>発行者:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Serial number:</source>
        <translation>シリアル番号:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Valid from:</source>
        <translation>有効期間の開始:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Valid until:</source>
        <translation>有効期限:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Public key:</source>
        <translation>公開鍵:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Signature algorithm:</source>
        <translation>署名アルゴリズム:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Certificate authority:</source>
        <translation>認証局 (CA):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Self-signed:</source>
        <translation>自己署名:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Key usage:</source>
        <translation>キー使用法:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Extended key usage:</source>
        <translation>拡張キー使用法 (EKU):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Subject alternative names:</source>
        <translation>サブジェクト代替名 (SAN):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Authority key identifier:</source>
        <translation>機関キー識別子 (AKI):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Subject key identifier:</source>
        <translation>サブジェクト キー識別子 (SKI):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>CA issuers (AIA):</source>
        <translation>CA 発行者 (AIA):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>OCSP (AIA):</source>
        <translation>OCSP (AIA):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>SHA-256 fingerprint:</source>
        <translation>SHA-256 フィンガープリント:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SHA-1 fingerprint:</source>
        <translation>SHA-1 フィンガープリント:</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;PEM:</source>
        <translation>PEM(&amp;P):</translation>
    </message>
</context>
<context>
    <name>CertificatePage</name>
    <message>
        <location filename="../wizard/ui/pages/certificate.py" line="+116"/>
        <source>Give the files your CA sent (drop them here or choose them: .cer, .crt, .pem, .p7b, in any order), or paste the PEM text. The wizard checks that the certificate belongs to this profile&apos;s key, completes and checks the chain, and stores it.</source>
        <translation>CA から受け取ったファイル (.cer、.crt、.pem、.p7b。順序は問いません) をここにドロップするか選択してください。または PEM テキストを貼り付けてください。ウィザードは、証明書がこのプロファイルの鍵に対応していることを確認し、チェーンを補完・検証して保存します。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The CA&apos;s &amp;files:</source>
        <translation>CA のファイル(&amp;F):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Or &amp;paste the PEM text:</source>
        <translation>または PEM テキストを貼り付け(&amp;P):</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Import and check</source>
        <translation>インポートして確認(&amp;I)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>C&amp;hain:</source>
        <translation>チェーン(&amp;H):</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Reading the stored chain…</source>
        <translation>保存済みのチェーンを読み込んでいます…</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>There are files in the list and pasted text: which is the CA&apos;s reply? Remove the files from the list, or clear the pasted text, then import.</source>
        <translation>一覧にファイルがあり、貼り付けたテキストもあります。どちらが CA の応答ですか? 一覧からファイルを削除するか、貼り付けたテキストを消去してから、インポートしてください。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Checking the chain…</source>
        <translation>チェーンを確認しています…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The certificate is stored in the profile</source>
        <translation>証明書をプロファイルに保存しました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1, valid until %2.</source>
        <translation>%1、%2 まで有効です。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>This reply was not imported; the profile is unchanged. Each problem and its fix is listed below.</source>
        <translation>この応答はインポートされませんでした。プロファイルは変更されていません。各問題とその対処方法を以下に示します。</translation>
    </message>
</context>
<context>
    <name>ChainView</name>
    <message>
        <location filename="../wizard/ui/pages/trust.py" line="+59"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="+125"/>
        <source>leaf</source>
        <translation>リーフ</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="+4"/>
        <source>intermediate</source>
        <translation>中間</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="-2"/>
        <source>root</source>
        <translation>ルート</translation>
    </message>
    <message>
        <location line="+7"/>
        <location filename="../wizard/ui/widgets/chain_view.py" line="-30"/>
        <source>sent by server</source>
        <translation>サーバーから送信</translation>
    </message>
    <message>
        <location filename="../wizard/ui/widgets/chain_view.py" line="-61"/>
        <source>Certificate</source>
        <translation>証明書</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issued by</source>
        <translation>発行者</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid until</source>
        <translation>有効期限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>取得元</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Double-click a certificate for its details</source>
        <translation>証明書をダブルクリックすると詳細を表示します</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>%1: %2</source>
        <comment>chain role: subject</comment>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>SHA-256 fingerprint: %1</source>
        <translation>SHA-256 フィンガープリント: %1</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>CA reply</source>
        <translation>CA の応答</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>resolved from certifi (Mozilla&apos;s list)</source>
        <translation>certifi (Mozilla のリスト) から解決</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>resolved from the system store</source>
        <translation>システムストアから解決</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>resolved from SAP&apos;s list</source>
        <translation>SAP のリストから解決</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+3"/>
        <source>resolved from %1</source>
        <translation>%1 から解決</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>downloaded from %1</source>
        <translation>%1 からダウンロード</translation>
    </message>
</context>
<context>
    <name>ChooseSecretDialog</name>
    <message>
        <location filename="../wizard/ui/widgets/password_dialog.py" line="+26"/>
        <source>No keyring: choose a passphrase</source>
        <translation>キーリングがありません: パスフレーズを選んでください</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>At least 8 characters, typed twice. It is not stored anywhere: keep it safe, you will be asked for it once per session.</source>
        <translation>8 文字以上を 2 回入力してください。どこにも保存されません。安全に保管してください。セッションごとに 1 回入力を求められます。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>&amp;Passphrase:</source>
        <translation>パスフレーズ(&amp;P):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Repeat:</source>
        <translation>再入力(&amp;R):</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Show</source>
        <translation>表示(&amp;S)</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Too short: at least 8 characters.</source>
        <translation>短すぎます: 8 文字以上にしてください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two entries differ.</source>
        <translation>2 つの入力が一致しません。</translation>
    </message>
</context>
<context>
    <name>CopyableText</name>
    <message>
        <location filename="../wizard/ui/widgets/copyable.py" line="+30"/>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
</context>
<context>
    <name>ExportPage</name>
    <message>
        <location filename="../wizard/ui/pages/export.py" line="+86"/>
        <source>The PKCS#12 file (.p12) holds the private key, the certificate and the intermediates: it goes into the sender system&apos;s keystore. Its password only wraps it for the transport; keep the file itself safe.</source>
        <translation>PKCS#12 ファイル (.p12) には秘密鍵、証明書、中間証明書が含まれ、送信側システムのキーストアに取り込みます。パスワードは転送時の保護にすぎないため、ファイル自体を安全に保管してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Encryption</source>
        <translation>暗号化</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Modern (recommended)</source>
        <translation>最新方式 (推奨)(&amp;M)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Legacy, for old consumers</source>
        <translation>レガシー方式 (古いシステム向け)(&amp;L)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Include the &amp;root certificate</source>
        <translation>ルート証明書を含める(&amp;R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Servers never need the root; some keystores want it to show a full chain.</source>
        <translation>サーバーはルート証明書を必要としませんが、完全なチェーンを表示するためにルート証明書を求めるキーストアもあります。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Alias (friendly name):</source>
        <translation>エイリアス (フレンドリ名)(&amp;A):</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Export</source>
        <translation>エクスポート(&amp;E)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>PKCS#12 pass&amp;word:</source>
        <translation>PKCS#12 パスワード(&amp;W):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Show</source>
        <translation>表示(&amp;S)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Copy password</source>
        <translation>パスワードをコピー(&amp;C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Open folder</source>
        <translation>フォルダーを開く(&amp;O)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Password of the .p12</source>
        <translation>.p12 のパスワード</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Generated by the wizard (recommended)</source>
        <translation>ウィザードが生成 (推奨)(&amp;G)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C&amp;hosen by me</source>
        <translation>自分で決める(&amp;H)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>&amp;Password:</source>
        <translation>パスワード(&amp;P):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Repeat &amp;it:</source>
        <translation>もう一度(&amp;I):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show &amp;typed</source>
        <translation>入力内容を表示(&amp;T)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>8 characters or more, on one line, typed twice. It is kept in the keyring like a generated one; the sender system&apos;s administrator needs it to import the file.</source>
        <translation>8 文字以上、1 行で、2 回入力します。生成したパスワードと同じくキーリングに保管されます。送信側システムの管理者がファイルをインポートするときに必要です。</translation>
    </message>
    <message numerus="yes">
        <location line="+27"/>
        <source>Too short: %n more character(s) needed.</source>
        <translation>
            <numerusform>短すぎます。あと %n 文字必要です。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The password must be on one line.</source>
        <translation>パスワードは 1 行で入力してください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two entries differ.</source>
        <translation>2 つの入力が一致しません。</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Preparing…</source>
        <translation>準備しています…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Type your password twice (8 characters or more).</source>
        <translation>パスワードを 2 回入力してください (8 文字以上)。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Writing the PKCS#12 and the certificate files…</source>
        <translation>PKCS#12 と証明書ファイルを書き込んでいます…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Exported</source>
        <translation>エクスポートしました</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The password is kept in: %1.</source>
        <translation>パスワードの保管場所: %1。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The password is not kept anywhere (%1).</source>
        <translation>パスワードはどこにも保存されていません (%1)。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Files:</source>
        <translation>ファイル:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>key, certificate and intermediates, for the sender&apos;s keystore</source>
        <translation>鍵、証明書、中間証明書 (送信側のキーストア用)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the certificate (DER), for the tenant (Neo mapping)</source>
        <translation>証明書 (DER)、テナント用 (Neo のマッピング)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the certificate (PEM), for the tenant (Cloud Foundry service key)</source>
        <translation>証明書 (PEM)、テナント用 (Cloud Foundry のサービスキー)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>certificate and intermediates (PEM), for curl and Postman</source>
        <translation>証明書と中間証明書 (PEM)、curl と Postman 用</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>• %1: %2</source>
        <translation>• %1: %2</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Password copied</source>
        <translation>パスワードをコピーしました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paste it where the sender system asks for the PKCS#12 password.</source>
        <translation>送信側システムで PKCS#12 パスワードを求められる箇所に貼り付けてください。</translation>
    </message>
</context>
<context>
    <name>FileDropList</name>
    <message>
        <location filename="../wizard/ui/widgets/file_drop.py" line="+59"/>
        <source>Drop the CA&apos;s files here</source>
        <translation>CA のファイルをここにドロップ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose files…</source>
        <translation>ファイルを選択…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>The CA&apos;s reply</source>
        <translation>CA の応答</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificates (*.cer *.crt *.pem *.der *.p7b *.p7c *.p7 *.txt);;All files (*)</source>
        <translation>証明書 (*.cer *.crt *.pem *.der *.p7b *.p7c *.p7 *.txt);;すべてのファイル (*)</translation>
    </message>
</context>
<context>
    <name>KeyPage</name>
    <message>
        <location filename="../wizard/ui/pages/key.py" line="+140"/>
        <source>The key pair is made on this computer and never leaves it; the CA only sees the request (CSR). Only the common name is required: it may be any name the tenant administrators recognise, without leading or trailing spaces.</source>
        <translation>鍵ペアはこのコンピューター上で生成され、外部に出ることはありません。CA が受け取るのは要求 (CSR) だけです。必須項目はコモンネームのみで、テナント管理者が識別できる任意の名前を指定できます (先頭と末尾に空白は使用できません)。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Common name (CN):</source>
        <translation>コモンネーム (CN)(&amp;C):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Organizational &amp;unit (OU):</source>
        <translation>部門名 (OU)(&amp;U):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Organization (O):</source>
        <translation>組織名 (O)(&amp;O):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Locality (L):</source>
        <translation>市区町村 (L)(&amp;L):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;State or province (ST):</source>
        <translation>都道府県 (ST)(&amp;S):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Countr&amp;y (C):</source>
        <translation>国 (C)(&amp;Y):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-&amp;mail address:</source>
        <translation>メールアドレス(&amp;M):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Subject</source>
        <translation>サブジェクト</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>optional, e.g. DNS:erp.example.com, email:it@x.com</source>
        <translation>任意。例: DNS:erp.example.com, email:it@x.com</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Subject &amp;alternative names:</source>
        <translation>サブジェクト代替名(&amp;A):</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>RSA 2048 bits (oldest senders)</source>
        <translation>RSA 2048 ビット (古い送信側向け)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>RSA 3072 bits (recommended)</source>
        <translation>RSA 3072 ビット (推奨)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>RSA 4096 bits</source>
        <translation>RSA 4096 ビット</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>EC P-256</source>
        <translation>EC P-256</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>EC P-384</source>
        <translation>EC P-384</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Key type:</source>
        <translation>鍵の種類(&amp;K):</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Generate key and request</source>
        <translation>鍵と要求を生成(&amp;G)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Certificate &amp;request (CSR):</source>
        <translation>証明書署名要求 (CSR)(&amp;R):</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Send this request to your CA and ask for a client authentication certificate (Extended Key Usage clientAuth), delivered with the whole chain, from a CA whose root is on SAP&apos;s list of trusted client roots. A certificate sold as a TLS/SSL server certificate may lack clientAuth: SAP then rejects it.</source>
        <translation>この要求を CA に送付し、クライアント認証用証明書 (拡張キー使用法 (EKU) に clientAuth を含むもの) をチェーン全体とともに発行するよう依頼してください。CA のルート証明書は、SAP の信頼済みクライアントルートのリストに含まれている必要があります。TLS/SSL サーバー証明書として販売されている証明書には clientAuth が含まれていないことがあり、その場合 SAP に拒否されます。</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Reading the profile…</source>
        <translation>プロファイルを読み込んでいます…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Renewal: a new key with the same subject</source>
        <translation>更新: 同じサブジェクトで新しい鍵を作成</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The current key, request and certificate are moved to the profile&apos;s archive folder; the current certificate keeps working until the sender uses the new one.</source>
        <translation>現在の鍵、要求、証明書はプロファイルのアーカイブフォルダーに移動されます。現在の証明書は、送信側が新しい証明書を使い始めるまで引き続き使用できます。</translation>
    </message>
    <message>
        <location line="+93"/>
        <source>Generating the key pair…</source>
        <translation>鍵ペアを生成しています…</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Subject: %1. Key: %2.</source>
        <translation>サブジェクト: %1。鍵: %2。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>nowhere (no keyring: %1)</source>
        <translation>どこにも保存されていません (キーリングなし: %1)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Saved: the request in %1, the encrypted key in %2; its passphrase is kept in %3. Once you go on, this key stays; for another one later, use Renew on the start page.</source>
        <translation>保存しました: 要求は %1、暗号化された鍵は %2 にあり、そのパスフレーズは %3 に保管されています。先に進むとこの鍵で確定します。後で別の鍵が必要になった場合は、開始ページの「更新」を使用してください。</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>the keyring</source>
        <translation>キーリング</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Save the certificate request</source>
        <translation>証明書署名要求を保存</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificate requests (*.csr *.pem)</source>
        <translation>証明書署名要求 (*.csr *.pem)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Saving…</source>
        <translation>保存しています…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saved %1</source>
        <translation>%1 を保存しました</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Key generation cancelled</source>
        <translation>鍵の生成をキャンセルしました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No key and no request were written. Change what you like and generate again.</source>
        <translation>鍵も要求も書き込まれていません。必要に応じて変更し、もう一度生成してください。</translation>
    </message>
</context>
<context>
    <name>Page</name>
    <message>
        <location filename="../wizard/ui/pages/base.py" line="+121"/>
        <source>Step %1 of %2</source>
        <translation>ステップ %1/%2</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>Too late to cancel: the result is being saved…</source>
        <translation>キャンセルできません。結果を保存しています…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancelled; nothing was written.</source>
        <translation>キャンセルしました。何も書き込まれていません。</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>This needs your attention</source>
        <translation>確認が必要です</translation>
    </message>
</context>
<context>
    <name>SecretPrompt</name>
    <message>
        <location filename="../wizard/ui/workers.py" line="+313"/>
        <source>Passphrase needed</source>
        <translation>パスフレーズが必要です</translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <location filename="../wizard/ui/pages/start_shell.py" line="+22"/>
        <source>Each sender system (an SAP system, a Java or .NET application, Postman…) gets a profile: its key, its certificate, and the tenant it calls.</source>
        <translation>送信側システム (SAP、Java/.NET、Postman など) ごとに、鍵・証明書・テナントのプロファイルを作成します。</translation>
    </message>
    <message>
        <location filename="../wizard/ui/pages/start.py" line="+138"/>
        <source>&amp;Sender systems:</source>
        <translation>送信側システム(&amp;S):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Filter:</source>
        <translation>絞り込み(&amp;F):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>name, host, subject, state…</source>
        <translation>名前、ホスト、サブジェクト、状態…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Environment</source>
        <translation>環境</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tenant host</source>
        <translation>テナントホスト</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject CN</source>
        <translation>サブジェクト CN</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expires</source>
        <translation>有効期限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SAP-signed</source>
        <translation>SAP 署名</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>No sender systems yet. Start with a new one, or try the whole flow first with the sandbox tenant: it runs on this computer and needs no SAP account.</source>
        <translation>送信側システムはまだありません。新規作成するか、まずサンドボックステナントで全体の流れを試してください。サンドボックスはこのコンピューター上で動作し、SAP アカウントは不要です。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>&amp;Resume</source>
        <translation>再開(&amp;R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Re&amp;move…</source>
        <translation>削除(&amp;M)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Certificate &amp;details…</source>
        <translation>証明書の詳細(&amp;D)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Subject, issuer, validity, key, extensions and fingerprints</source>
        <translation>サブジェクト、発行者、有効期間、鍵、拡張、フィンガープリント</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Try it with the sandbox tenant</source>
        <translation>サンドボックステナントで試す(&amp;T)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A new key and request with the same subject, for a new certificate</source>
        <translation>同じサブジェクトで新しい鍵と要求を作成し、新しい証明書を取得します</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Deletes the profile&apos;s folder and its keyring entries</source>
        <translation>プロファイルのフォルダーとキーリングのエントリを削除します</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>&amp;Language:</source>
        <translation>言語(&amp;L):</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>System default</source>
        <translation>システムの既定</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Saved. The new language is used the next time the wizard starts.</source>
        <translation>保存しました。新しい言語は次回ウィザードを起動したときに適用されます。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Client roots judged against:</source>
        <translation>クライアントのルートの判定基準:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add r&amp;oots file…</source>
        <translation>ルート証明書ファイルを追加(&amp;O)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use SAP&apos;s l&amp;ist only</source>
        <translation>SAP のリストのみ使用(&amp;I)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A PEM file of root certificates that SAP&apos;s pages name but the bundled list lacks: they count as accepted from now on</source>
        <translation>SAP のページに記載されているが同梱リストにないルート証明書の PEM ファイルです。今後は受け入れ済みとして扱われます</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>SAP&apos;s bundled list plus %1</source>
        <translation>同梱の SAP リストと %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>SAP&apos;s bundled list (BTP trust store)</source>
        <translation>同梱の SAP リスト (BTP トラストストア)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Roots to add to SAP&apos;s list</source>
        <translation>SAP リストに追加するルート証明書</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>証明書 (*.pem *.crt *.cer);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location line="+140"/>
        <source>%1 (expired)</source>
        <translation>%1 (期限切れ)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Neo</source>
        <translation>Neo</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cloud Foundry</source>
        <translation>Cloud Foundry</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>cannot be read</source>
        <translation>読み取れません</translation>
    </message>
    <message>
        <location line="-260"/>
        <source>Ne&amp;w sender system</source>
        <translation>新しい送信側システム(&amp;W)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ren&amp;ew</source>
        <translation>更新(&amp;E)</translation>
    </message>
    <message>
        <location line="+242"/>
        <source>Reading the profiles… %1 of %2</source>
        <translation>プロファイルを読み込んでいます… %1/%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 of %2 shown</source>
        <translation>%1/%2 件を表示</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>yes, SAP renews it</source>
        <translation>はい (SAP が更新)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>yes, renewed by hand</source>
        <translation>はい (手動で更新)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>yes</source>
        <comment>signed by SAP</comment>
        <translation>はい</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Signed by SAP through the subaccount&apos;s Destination service</source>
        <translation>サブアカウントの Destination サービスを通じて SAP が署名</translation>
    </message>
    <message numerus="yes">
        <location line="+17"/>
        <source>%n day(s) left</source>
        <translation>
            <numerusform>残り %n 日</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>new</source>
        <translation>新規</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>waiting for the CA</source>
        <translation>CA の応答待ち</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>certificate imported</source>
        <translation>証明書インポート済み</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>entered in the tenant</source>
        <translation>テナントに登録済み</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>tested</source>
        <translation>テスト済み</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>The sandbox tenant is already running in this window: resume its profile from the list (its name starts with sandbox-demo).</source>
        <translation>サンドボックス テナントはこのウィンドウで既に実行中です。一覧からそのプロファイルを再開してください (名前は sandbox-demo で始まります)。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Walk the whole flow with a tenant that runs on this computer</source>
        <translation>このコンピューターで動くテナントで全体の流れを試します</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>No keyring: secrets are not stored</source>
        <translation>キーリングなし: シークレットは保存されません</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No usable OS keyring was found (on Linux a SecretService such as GNOME Keyring or KWallet, unlocked). The wizard will ask you for the key passphrase and the PKCS#12 password when it needs them; keep them somewhere safe.</source>
        <translation>使用可能な OS のキーリングが見つかりません (Linux では、ロック解除された GNOME Keyring や KWallet などの SecretService が必要です)。鍵のパスフレーズと PKCS#12 パスワードは必要なときにウィザードが尋ねますので、安全な場所に保管してください。</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>Reading the certificate of %1…</source>
        <translation>%1 の証明書を読み込んでいます…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Opening %1…</source>
        <translation>%1 を開いています…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Remove sender system</source>
        <translation>送信側システムの削除</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove the profile %1? Its folder (key, certificate, PKCS#12 and the other files) and its keyring entries are deleted. Copies you gave to the sender system or the tenant are not touched.</source>
        <translation>プロファイル %1 を削除しますか? フォルダー (鍵、証明書、PKCS#12 などのファイル) とキーリングのエントリが削除されます。送信側システムやテナントに渡したコピーには影響しません。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Removing %1…</source>
        <translation>%1 を削除しています…</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Starting the sandbox tenant…</source>
        <translation>サンドボックステナントを起動しています…</translation>
    </message>
</context>
<context>
    <name>SummaryPage</name>
    <message>
        <location filename="../wizard/ui/pages/summary.py" line="+70"/>
        <source>&amp;Which file goes where:</source>
        <translation>各ファイルの配置先(&amp;W):</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>File</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Contains</source>
        <translation>内容</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Goes to</source>
        <translation>配置先</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&amp;Your sender:</source>
        <translation>送信側システム(&amp;Y):</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Add &amp;reminder to calendar…</source>
        <translation>カレンダーにリマインダーを追加(&amp;R)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Open the folder</source>
        <translation>フォルダーを開く(&amp;O)</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>%1 is set up: the test call went through.</source>
        <translation>%1 の設定が完了しました。テスト呼び出しは成功しています。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 is not set up yet: the last test call failed: %2</source>
        <translation>%1 はまだ設定されていません。最後のテスト呼び出しが失敗しました: %2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1: not tested yet.</source>
        <translation>%1: まだテストしていません。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Go back to step %1: %2</source>
        <translation>ステップ %1 に戻る: %2(&amp;G)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The certificate expires on %1. Renew it before then: Renew on the start page makes a new key and request with the same subject.</source>
        <translation>証明書の有効期限は %1 です。それまでに更新してください。開始ページの「更新」で、同じサブジェクトの新しい鍵と要求を作成できます。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>All files are in %1.</source>
        <translation>すべてのファイルは %1 にあります。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Listing the files…</source>
        <translation>ファイルを一覧表示しています…</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Save the calendar reminder</source>
        <translation>カレンダーのリマインダーを保存</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Calendar files (*.ics)</source>
        <translation>カレンダーファイル (*.ics)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Renew the client certificate of %1</source>
        <translation>%1 のクライアント証明書を更新</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The certificate %1 expires on %2 (in %3 days from this reminder). Open cpi-cert-wizard, choose %4 and Renew.</source>
        <translation>証明書 %1 の有効期限は %2 です (このリマインダーの %3 日後)。cpi-cert-wizard を開き、%4 を選択して「更新」を選んでください。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Writing the reminder…</source>
        <translation>リマインダーを書き込んでいます…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Reminder saved</source>
        <translation>リマインダーを保存しました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open %1 with your calendar to add it.</source>
        <translation>%1 をカレンダーアプリで開いて追加してください。</translation>
    </message>
</context>
<context>
    <name>TenantEntryPage</name>
    <message>
        <location filename="../wizard/ui/pages/tenant_entry.py" line="+134"/>
        <source>Neo</source>
        <translation>Neo</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cloud Foundry</source>
        <translation>Cloud Foundry</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>En&amp;vironment:</source>
        <translation>環境(&amp;V):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Certificate-to-User Mapping or service key (recommended)</source>
        <translation>証明書とユーザーのマッピング、またはサービスキー (推奨)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificate in the integration flow (not recommended: every renewal needs a redeploy)</source>
        <translation>統合フロー内の証明書 (非推奨: 更新のたびに再デプロイが必要)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;How the tenant checks the certificate:</source>
        <translation>テナントでの証明書の確認方法(&amp;H):</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;User the certificate maps to:</source>
        <translation>証明書のマッピング先ユーザー(&amp;U):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Roles of the sender channel:</source>
        <translation>送信側チャネルのロール(&amp;R):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Service &amp;instance:</source>
        <translation>サービスインスタンス(&amp;I):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Service &amp;key name:</source>
        <translation>サービスキー名(&amp;K):</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Up&amp;date</source>
        <translation>更新(&amp;D)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Do it in the &amp;sandbox tenant</source>
        <translation>サンドボックス テナントで実行(&amp;S)</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Checklist: tick what you have done</source>
        <translation>チェックリスト: 完了した項目にチェックを入れてください</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Publish through the tenant&apos;s API (optional)</source>
        <translation>テナントの API で公開 (任意)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Management host:</source>
        <translation>管理ホスト(&amp;M):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API u&amp;ser:</source>
        <translation>API ユーザー(&amp;S):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API pass&amp;word:</source>
        <translation>API パスワード(&amp;W):</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Publish</source>
        <translation>公開(&amp;P)</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>Second option, not recommended: the integration flow&apos;s sender channel checks the certificate itself (Authorization = Client Certificate). Upload client.crt there or type its Subject DN and Issuer DN, then deploy the flow. Every renewal means editing and redeploying the flow.</source>
        <translation>2 つ目の方法 (非推奨): 統合フローの送信側チャネル自体が証明書を確認します (Authorization = Client Certificate)。そこで client.crt をアップロードするか Subject DN と Issuer DN を入力し、フローをデプロイします。証明書を更新するたびに、フローの編集と再デプロイが必要です。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Neo: upload the client certificate in Certificate-to-User Mappings with a user name (any name), then give that user the sender channel&apos;s role.</source>
        <translation>Neo: 証明書とユーザーのマッピングでクライアント証明書をユーザー名 (任意の名前) とともにアップロードし、そのユーザーに送信側チャネルのロールを割り当てます。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cloud Foundry: a Process Integration Runtime instance (plan integration-flow) holds the roles; a service key of type External Certificate holds the leaf certificate. The key&apos;s client id becomes the user.</source>
        <translation>Cloud Foundry: Process Integration Runtime インスタンス (プラン integration-flow) がロールを保持し、External Certificate タイプのサービスキーがリーフ証明書を保持します。キーのクライアント ID がユーザーになります。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Preparing the certificate for the integration flow…</source>
        <translation>統合フロー用の証明書を準備しています…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Preparing the tenant entry…</source>
        <translation>テナントへの登録内容を準備しています…</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Sub&amp;ject DN to type into the sender channel:</source>
        <translation>送信側チャネルに入力するサブジェクト DN(&amp;J):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Issuer DN:</source>
        <translation>発行者 DN(&amp;I):</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Or upload this file in the sender channel (Authorization = Client Certificate → Add → Select): %1</source>
        <translation>または、送信側チャネルでこのファイルをアップロードします (Authorization = Client Certificate → Add → Select): %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>B&amp;ody for the mapping API (the tenant will show Id %1):</source>
        <translation>マッピング API の本文 (テナントには Id %1 と表示されます)(&amp;O):</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Service key &amp;parameters (External Certificate):</source>
        <translation>サービス キーのパラメーター (External Certificate)(&amp;P):</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Certificate &amp;file to upload:</source>
        <translation>アップロードする証明書ファイル(&amp;F):</translation>
    </message>
    <message>
        <location line="-217"/>
        <source>Key validity:</source>
        <translation>キーの有効期間:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not set for an External Certificate service key: SAP documents a validity only for keys SAP generates; this key is valid as long as the certificate itself.</source>
        <translation>External Certificate タイプのサービスキーには設定しません。SAP が有効期間を記載しているのは SAP が生成するキーだけです。このキーは証明書自体が有効な間有効です。</translation>
    </message>
    <message>
        <location line="+219"/>
        <source>cf &amp;commands (run them in the profile folder):</source>
        <translation>cf コマンド (プロファイルフォルダーで実行してください)(&amp;C):</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Make the test call on the next page (Test call).</source>
        <translation>テスト呼び出しは次のページ (テスト呼び出し) で行います。</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Mapping the certificate in the sandbox…</source>
        <translation>サンドボックスで証明書をマッピングしています…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The sandbox tenant knows the certificate</source>
        <translation>サンドボックステナントに証明書を登録しました</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mapped to user %1 with the roles %2.</source>
        <translation>ユーザー %1 (ロール %2) にマッピングしました。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Give the management host, the API user and its password to publish.</source>
        <translation>公開するには、管理ホスト、API ユーザー、そのパスワードを入力してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Publishing the mapping…</source>
        <translation>マッピングを公開しています…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Published</source>
        <translation>公開しました</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The tenant stored the mapping with Id %1 for user %2.</source>
        <translation>テナントはユーザー %2 のマッピングを Id %1 で保存しました。</translation>
    </message>
</context>
<context>
    <name>TenantPage</name>
    <message>
        <location filename="../wizard/ui/pages/tenant.py" line="+58"/>
        <source>Name the sender system (the system that will call the tenant) and paste the endpoint URL of the integration flow, or just the tenant&apos;s runtime host.</source>
        <translation>送信側システム (テナントを呼び出すシステム) に名前を付け、統合フローのエンドポイント URL、またはテナントのランタイムホストだけを貼り付けてください。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>for example ERP-PRD</source>
        <translation>例: ERP-PRD</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Detect from the host</source>
        <translation>ホストから判定</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+128"/>
        <source>Neo</source>
        <translation>Neo</translation>
    </message>
    <message>
        <location line="-128"/>
        <location line="+128"/>
        <source>Cloud Foundry</source>
        <translation>Cloud Foundry</translation>
    </message>
    <message>
        <location line="-124"/>
        <source>&amp;Profile name:</source>
        <translation>プロファイル名(&amp;P):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Endpoint URL or host:</source>
        <translation>エンドポイント URL またはホスト(&amp;E):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>En&amp;vironment:</source>
        <translation>環境(&amp;V):</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>This is the sandbox tenant: it runs inside this program on 127.0.0.1 and behaves like a Neo tenant, with its own demo CA. Nothing leaves this computer.</source>
        <translation>これはサンドボックステナントです。このプログラム内の 127.0.0.1 で動作し、独自のデモ CA を持つ Neo テナントとして振る舞います。このコンピューターの外には何も送信されません。</translation>
    </message>
    <message>
        <location line="+40"/>
        <location line="+30"/>
        <source>Give the profile a name.</source>
        <translation>プロファイルに名前を付けてください。</translation>
    </message>
    <message>
        <location line="-21"/>
        <location line="+34"/>
        <source>Paste the endpoint URL or the host.</source>
        <translation>エンドポイント URL またはホストを貼り付けてください。</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Note: the host looks like %1, not %2.</source>
        <translation>注意: ホストは %2 ではなく %1 のようです。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Detected from the host: %1.</source>
        <translation>ホストから判定: %1。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The host does not tell; fetching the tenant&apos;s root on the next page may, or choose it here.</source>
        <translation>ホストからは判定できません。次のページでテナントのルート証明書を取得すると判定できる場合があります。ここで選択することもできます。</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Saving the profile…</source>
        <translation>プロファイルを保存しています…</translation>
    </message>
</context>
<context>
    <name>TestCallPage</name>
    <message>
        <location filename="../wizard/ui/pages/test_call.py" line="+85"/>
        <source>The wizard calls the endpoint the way the sender system will: with the key, the certificate and all intermediates, trusting the tenant&apos;s root.</source>
        <translation>ウィザードは送信側システムと同じ方法でエンドポイントを呼び出します。鍵、証明書、すべての中間証明書を使用し、テナントのルート証明書を信頼します。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Endpoint URL:</source>
        <translation>エンドポイント URL(&amp;E):</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+31"/>
        <source>&amp;Call</source>
        <translation>呼び出し(&amp;C)</translation>
    </message>
    <message>
        <location line="-30"/>
        <source>Open an &amp;access log…</source>
        <translation>アクセスログを開く(&amp;A)…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>E&amp;vidence:</source>
        <translation>根拠(&amp;V):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The same call with c&amp;url:</source>
        <translation>curl での同じ呼び出し(&amp;U):</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>&amp;Retry</source>
        <translation>再試行(&amp;R)</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Calling the endpoint…</source>
        <translation>エンドポイントを呼び出しています…</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>The call was abandoned.</source>
        <translation>呼び出しを中止しました。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>SAP HTTP access log</source>
        <translation>SAP HTTP アクセスログ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Access logs (http_access_*.log *.log *.gz);;All files (*)</source>
        <translation>アクセスログ (http_access_*.log *.log *.gz);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Reading the access log…</source>
        <translation>アクセスログを読み込んでいます…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The log has no calls to this endpoint.</source>
        <translation>ログにこのエンドポイントへの呼び出しはありません。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 %2 %3 → %4: %5</source>
        <translation>%1 %2 %3 → %4: %5</translation>
    </message>
</context>
<context>
    <name>TrustPage</name>
    <message>
        <location filename="../wizard/ui/pages/trust.py" line="+41"/>
        <source>the tenant root</source>
        <translation>テナントのルート証明書</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The sender system must trust the tenant&apos;s load balancer. The wizard reads the certificate chain the tenant presents and finds its root: that root goes into the sender&apos;s trust store.</source>
        <translation>送信側システムはテナントのロードバランサーを信頼する必要があります。ウィザードはテナントが提示する証明書チェーンを読み取り、そのルート証明書を特定します。このルート証明書を送信側のトラストストアに登録します。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Where the root goes: SAP ABAP (STRUST): SSL client PSE → Import certificate → Add to Certificate List. Java: keytool -importcert -keystore truststore.jks -file tenant-root.cer. Postman: Settings → Certificates → CA certificates → tenant-root.pem.</source>
        <translation>ルート証明書の登録先: SAP ABAP (STRUST): SSL client PSE → Import certificate → Add to Certificate List。Java: keytool -importcert -keystore truststore.jks -file tenant-root.cer。Postman: Settings → Certificates → CA certificates → tenant-root.pem。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Fetch the chain again</source>
        <translation>チェーンを再取得(&amp;F)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Save root as .&amp;pem…</source>
        <translation>ルート証明書を .pem で保存(&amp;P)…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Chain presented by the tenant:</source>
        <translation>テナントが提示したチェーン(&amp;C):</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Skip for now: I will get the root another way (SAP&apos;s Connectivity Test)</source>
        <translation>今はスキップ: ルート証明書は別の方法 (SAP の接続テスト) で取得します(&amp;S)</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>Save root as .c&amp;er…</source>
        <translation>ルート証明書を .cer で保存(&amp;E)…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Save this root &amp;anyway…</source>
        <translation>このルート証明書を保存する(&amp;A)…</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Reading the chain of %1…</source>
        <translation>%1 のチェーンを読み込んでいます…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The tenant&apos;s chain could not be read</source>
        <translation>テナントのチェーンを読み取れませんでした</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Go Back to correct the URL, fetch again, or tick Skip to go on without it.</source>
        <translation>「戻る」で URL を修正して再取得するか、「スキップ」にチェックを入れてルート証明書なしで先に進んでください。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The root %1 is saved in %2 as tenant-root.cer and tenant-root.pem: it goes into the sender system&apos;s trust store.</source>
        <translation>ルート証明書 %1 を %2 に tenant-root.cer と tenant-root.pem として保存しました。これを送信側システムのトラストストアに登録します。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>This chain does not come from SAP: its root is known to no public list, as when a company proxy inspects TLS and shows its own certificate. Saving it would make the sender trust the proxy, not the tenant. Nothing was saved.</source>
        <translation>このチェーンは SAP からのものではありません。ルート証明書はどの公開リストにもありません。社内プロキシが TLS を検査し、独自の証明書を提示している場合と同じです。保存すると、送信側はテナントではなくプロキシを信頼することになります。何も保存されていません。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This chain is not valid for the tenant&apos;s host (see above): it may come from a proxy or another server. Nothing was saved; the sender must not trust it as the tenant&apos;s root.</source>
        <translation>このチェーンはテナントのホストに対して有効ではありません (上記参照)。プロキシや別のサーバーからのものかもしれません。何も保存されていません。送信側はこれをテナントのルート証明書として信頼してはいけません。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Save a root that did not check out?</source>
        <translation>検証に失敗したルート証明書を保存しますか?</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The chain of %1 did not check out. If you save its root %2, the sender system will trust whoever presented it, which may be a proxy and not SAP. Save it only when you know this server is the tenant (for example a tenant behind your own load balancer).</source>
        <translation>%1 のチェーンは検証に失敗しました。ルート証明書 %2 を保存すると、送信側システムはそれを提示した相手を信頼します。それは SAP ではなくプロキシかもしれません。このサーバーがテナントであると分かっている場合 (たとえば自社のロード バランサーの背後にあるテナント) にのみ保存してください。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Fetching cancelled; nothing was saved.</source>
        <translation>取得をキャンセルしました。何も保存されていません。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fetch again, or tick Skip to go on without the root.</source>
        <translation>再取得するか、「スキップ」にチェックを入れてルート証明書なしで先に進んでください。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Save the tenant root</source>
        <translation>テナントのルート証明書を保存</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificates (*%1)</source>
        <translation>証明書 (*%1)</translation>
    </message>
    <message>
        <location line="-24"/>
        <location line="+31"/>
        <source>Saving…</source>
        <translation>保存しています…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saved %1</source>
        <translation>%1 を保存しました</translation>
    </message>
</context>
<context>
    <name>VerdictBanner</name>
    <message>
        <location filename="../wizard/ui/widgets/verdict.py" line="+49"/>
        <source>Next step: </source>
        <translation>次の手順: </translation>
    </message>
</context>
<context>
    <name>WaitingPage</name>
    <message>
        <location filename="../wizard/ui/pages/waiting.py" line="+127"/>
        <source>Send the request to your CA and wait for the signed certificate. This can take days: you can close the program now. When you open it again, choose this sender system and Resume; you will come back to this page.</source>
        <translation>要求を CA に送付し、署名済み証明書が届くまでお待ちください。数日かかることもあるため、ここでプログラムを閉じてもかまいません。再度開いたら、この送信側システムを選択して「再開」を選ぶと、このページに戻ります。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Certificate &amp;request (CSR):</source>
        <translation>証明書署名要求 (CSR)(&amp;R):</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Ask for: a client authentication certificate (Extended Key Usage clientAuth), with the whole chain (intermediates), from a CA whose root is on SAP&apos;s list. Any file format the CA sends is fine: .cer, .crt, .pem, .p7b.</source>
        <translation>依頼内容: クライアント認証用証明書 (拡張キー使用法 (EKU) に clientAuth を含むもの) を、チェーン全体 (中間証明書) 付きで、ルート証明書が SAP のリストにある CA に依頼します。CA から届くファイル形式は .cer、.crt、.pem、.p7b のいずれでもかまいません。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&amp;Open the profile folder</source>
        <translation>プロファイルフォルダーを開く(&amp;O)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Sign with the sandbox CA</source>
        <translation>サンドボックス CA で署名(&amp;S)</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Or have SAP sign it</source>
        <translation>または SAP に署名してもらう</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s Destination service (SAP BTP, Cloud Foundry) signs this request under SAP Cloud Root CA, with client authentication. You need a service key of a Destination service instance (plan lite), downloaded as a .json file from the BTP cockpit.</source>
        <translation>SAP の Destination サービス (SAP BTP、Cloud Foundry) が、この要求に SAP Cloud Root CA の下でクライアント認証用として署名します。Destination サービスのインスタンス (プラン lite) のサービスキーが必要です。BTP cockpit から .json ファイルとしてダウンロードしてください。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Destination service &amp;key:</source>
        <translation>Destination サービスのサービスキー(&amp;K):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The service key file (.json)</source>
        <translation>サービスキーのファイル (.json)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>C&amp;hoose…</source>
        <translation>選択(&amp;H)…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Validity:</source>
        <translation>有効期間(&amp;V):</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Validity unit</source>
        <translation>有効期間の単位</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>(1 day to 1 year)</source>
        <translation>(1 日から 1 年まで)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Let SAP renew it &amp;automatically</source>
        <translation>SAP による自動更新を許可する(&amp;A)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Before anything is sent:</source>
        <translation>送信する前に:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Have SAP si&amp;gn it</source>
        <translation>SAP に署名してもらう(&amp;G)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Re&amp;place SAP&apos;s certificate of that name</source>
        <translation>その名前の SAP の証明書を置き換える(&amp;P)</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>The request is %1.</source>
        <translation>要求は %1 にあります。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Reading the request…</source>
        <translation>要求を読み込んでいます…</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The sandbox CA is signing…</source>
        <translation>サンドボックス CA が署名しています…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The sandbox CA answered</source>
        <translation>サンドボックス CA が応答しました</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Its reply is %1 (leaf and intermediate, PKCS#7). On the next step, Import and check reads it.</source>
        <translation>応答は %1 です (リーフと中間証明書、PKCS#7)。次のステップの「インポートして確認」で読み込みます。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Destination service key</source>
        <translation>Destination サービスのサービスキー</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Service keys (*.json);;All files (*)</source>
        <translation>サービスキー (*.json);;すべてのファイル (*)</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>day(s)</source>
        <comment>validity unit</comment>
        <translation>
            <numerusform>日</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>month(s)</source>
        <comment>validity unit</comment>
        <translation>
            <numerusform>か月</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>year(s)</source>
        <comment>validity unit</comment>
        <translation>
            <numerusform>年</numerusform>
        </translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Connecting to SAP…</source>
        <translation>SAP に接続しています…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>SAP is signing the request…</source>
        <translation>SAP が要求に署名しています…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>on</source>
        <translation>オン</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>off</source>
        <translation>オフ</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Issued to: %1</source>
        <translation>発行先: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issued by: %1</source>
        <translation>発行者: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid until: %1</source>
        <translation>有効期限: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Automatic renewal by SAP: %1</source>
        <translation>SAP による自動更新: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SHA-256: %1</source>
        <translation>SHA-256: %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>SAP signed the request</source>
        <translation>SAP が要求に署名しました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The certificate and its chain are stored in the profile. Next shows them.</source>
        <translation>証明書とそのチェーンはプロファイルに保存されました。「次へ」で表示します。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>SAP&apos;s certificate was not imported; the profile is unchanged. Each problem and its fix is listed below.</source>
        <translation>SAP の証明書はインポートされませんでした。プロファイルは変更されていません。各問題とその対処方法を以下に示します。</translation>
    </message>
</context>
<context>
    <name>accesslog</name>
    <message>
        <location filename="../wizard/core/accesslog.py" line="+192"/>
        <source>{text!r} is not a time this command understands. Use an ISO date or time (2021-04-12 or 2021-04-12T10:30, UTC unless it names a zone), a log timestamp (12/Apr/2021:10:30:00 +0000) or a span back from now (30m, 2h, 7d).</source>
        <translation>{text!r} はこのコマンドが理解できる時刻ではありません。ISO の日付または時刻 (2021-04-12 や 2021-04-12T10:30、タイムゾーンの指定がなければ UTC)、ログのタイムスタンプ (12/Apr/2021:10:30:00 +0000)、または現在からさかのぼる期間 (30m、2h、7d) を指定してください。</translation>
    </message>
    <message>
        <location line="+103"/>
        <source>an http_access_*.log file</source>
        <translation>http_access_*.log ファイル</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>not an access log: none of its lines has the shape of an http_access_*.log line</source>
        <translation>アクセスログではありません: http_access_*.log の行の形をした行が 1 つもありません</translation>
    </message>
</context>
<context>
    <name>aia</name>
    <message>
        <location filename="../wizard/core/aia.py" line="+55"/>
        <source>the AIA address {url} sent more than {size} KB, which is not an issuer certificate</source>
        <translation>AIA アドレス {url} が {size} KB を超えるデータを送信しました。発行者の証明書ではありません</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the AIA address {url} did not answer within {timeout:g} s</source>
        <translation>AIA アドレス {url} が {timeout:g} 秒以内に応答しませんでした</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the AIA address {url} answered HTTP {status}</source>
        <translation>AIA アドレス {url} が HTTP {status} を返しました</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the AIA address {url} could not be fetched ({reason})</source>
        <translation>AIA アドレス {url} を取得できませんでした ({reason})</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the AIA address {url} sent no valid answer ({reason})</source>
        <translation>AIA アドレス {url} から有効な応答がありませんでした ({reason})</translation>
    </message>
</context>
<context>
    <name>analyze_log</name>
    <message>
        <location filename="../wizard/commands/analyze_log.py" line="+74"/>
        <source>{text!r} is not a span; give seconds, minutes or hours like 90s, 5m or 1h.</source>
        <translation>{text!r} は期間ではありません。90s、5m、1h のように秒、分、時間で指定してください。</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>--around last-test needs --profile (whose last test call counts).</source>
        <translation>--around last-test には --profile が必要です (そのプロファイルの最後のテスト呼び出しが基準になります)。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Profile {profile!r} has no test call yet. Run cpi-cert-wizard test-call --profile {name}, or give the time: --around 2021-04-12T10:30.</source>
        <translation>プロファイル {profile!r} にはまだテスト呼び出しがありません。cpi-cert-wizard test-call --profile {name} を実行するか、時刻を指定してください: --around 2021-04-12T10:30。</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Profile {profile!r} has no certificate with a common name yet, so its calls cannot be recognised in a log. Import the certificate first, or filter with --path and --since instead.</source>
        <translation>プロファイル {profile!r} にはまだコモンネームを持つ証明書がないため、ログ内でその呼び出しを識別できません。先に証明書をインポートするか、代わりに --path と --since で絞り込んでください。</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>{file} is not an SAP HTTP access log: none of its {lines} lines has the shape of an http_access_&lt;node&gt;_&lt;date&gt;.log line. Download the log from Monitor → System Log Files (a default trace is an ljs_trace_*.log file).</source>
        <translation>{file} は SAP の HTTP アクセスログではありません: {lines} 行のどれも http_access_&lt;node&gt;_&lt;date&gt;.log の行の形をしていません。Monitor → System Log Files からログをダウンロードしてください (デフォルトトレースは ljs_trace_*.log ファイルです)。</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>path {path}</source>
        <translation>パス {path}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>since {time}</source>
        <translation>{time} 以降</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>user {users}</source>
        <translation>ユーザー {users}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> or </source>
        <translation> または </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>all calls</source>
        <translation>すべての呼び出し</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Fix: {fix}</source>
        <translation>対処方法: {fix}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{title} ({file} line {line})</source>
        <translation>{title} ({file} の {line} 行目)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Default trace: {files} ({nodes}): {records} records, {unreadable} skipped.</source>
        <translation>デフォルトトレース: {files} ({nodes}): レコード {records} 件、{unreadable}をスキップしました。</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+54"/>
        <source>%n file(s)</source>
        <translation>ファイル %n 個</translation>
    </message>
    <message>
        <location line="-53"/>
        <location line="+54"/>
        <source>%n node(s)</source>
        <translation>ノード %n 個</translation>
    </message>
    <message>
        <location line="-52"/>
        <source>%n unreadable line(s)</source>
        <translation>読み取れない行 %n 行</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>  {file}: node {node}, {records} records</source>
        <translation>  {file}: ノード {node}、レコード {records} 件</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>, {count} unreadable</source>
        <translation>、読み取り不可 {count} 件</translation>
    </message>
    <message>
        <location line="+7"/>
        <source> between {start} and {end}</source>
        <translation> ({start} から {end} まで)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Authentication and authorization errors{window}: {count}</source>
        <translation>認証および認可のエラー{window}: {count} 件</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>  ({count} shown with their calls above)</source>
        <translation>  (うち {count} 件は上記の呼び出しとともに表示)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Refused calls answered by nodes without a trace file here:</source>
        <translation>このフォルダーにトレースファイルがないノードが応答した、拒否された呼び出し:</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Read {files} ({nodes}): {calls} calls, {malformed} skipped.</source>
        <translation>{files} ({nodes}) を読み込みました: 呼び出し {calls} 件、{malformed}をスキップしました。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%n malformed line(s)</source>
        <translation>不正な形式の行 %n 行</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>  {file}: node {node}, {calls} calls</source>
        <translation>  {file}: ノード {node}、呼び出し {calls} 件</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>, {count} malformed</source>
        <translation>、不正な形式 {count} 件</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Matching ({filter}): {count}</source>
        <translation>一致 ({filter}): {count} 件</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>(the last {count} are listed; --json gives all)</source>
        <translation>(最新の {count} 件を表示しています。すべて表示するには --json を使用してください)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>user {user}</source>
        <translation>ユーザー {user}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>    trace {file} line {line}: </source>
        <translation>    トレース {file} の {line} 行目: </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Summary:</source>
        <translation>概要:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>      Next: {step}</source>
        <translation>      次の手順: {step}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Also %n call(s) in the same window arrived with no credentials at all (user &apos;-&apos;, 401). They cannot be told apart by user; if your sender made them, its certificate was not forwarded (chain incomplete, root not on SAP&apos;s list, or self-signed).</source>
        <translation>また、同じ時間帯に %n 件の呼び出しが資格情報なしで届いています (ユーザー &apos;-&apos;、401)。これらはユーザーでは区別できません。送信側システムからの呼び出しであれば、その証明書は転送されていません (チェーンが不完全、ルート証明書が SAP のリストにない、または自己署名)。</translation>
    </message>
</context>
<context>
    <name>batch</name>
    <message>
        <location filename="../wizard/commands/batch.py" line="+168"/>
        <source>Send the requests (the folder or requests.zip) to the CA, then run: cpi-cert-wizard batch import REPLY-FOLDER</source>
        <translation>要求 (フォルダーまたは requests.zip) を CA に送付してから、次を実行してください: cpi-cert-wizard batch import REPLY-FOLDER</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Next: cpi-cert-wizard batch export, then batch mapping</source>
        <translation>次の手順: cpi-cert-wizard batch export、その後 batch mapping</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Passwords: cpi-cert-wizard secret show --profile NAME p12</source>
        <translation>パスワード: cpi-cert-wizard secret show --profile NAME p12</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Per profile: {out}/&lt;profile&gt;/; all entries: {out}/tenant-entries.json</source>
        <translation>プロファイルごと: {out}/&lt;profile&gt;/、全エントリ: {out}/tenant-entries.json</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Details of one call: cpi-cert-wizard test-call --profile NAME</source>
        <translation>個々の呼び出しの詳細: cpi-cert-wizard test-call --profile NAME</translation>
    </message>
    <message>
        <location filename="../wizard/commands/render.py" line="+128"/>
        <source>(nothing to do)</source>
        <translation>(処理対象なし)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{count} failed: see their lines above; the others are done.</source>
        <translation>{count} 件が失敗しました。上の該当行を参照してください。その他は完了しています。</translation>
    </message>
    <message>
        <location filename="../wizard/core/systems_csv.py" line="+79"/>
        <source>a CSV of sender systems</source>
        <translation>送信側システムの CSV</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{file}, line {line}: {problem}</source>
        <translation>{file}、{line} 行目: {problem}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>the file is UTF-16 (&apos;Unicode text&apos;). Save it as &apos;CSV UTF-8&apos; (Excel) or as UTF-8 text.</source>
        <translation>ファイルが UTF-16 (&apos;Unicode テキスト&apos;) です。&apos;CSV UTF-8&apos; (Excel) または UTF-8 テキストとして保存してください。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>byte {byte} is not UTF-8 (the file is probably in a Windows code page). Save it as &apos;CSV UTF-8&apos; (Excel) or as UTF-8 text.</source>
        <translation>バイト {byte} は UTF-8 ではありません (ファイルはおそらく Windows のコードページで保存されています)。&apos;CSV UTF-8&apos; (Excel) または UTF-8 テキストとして保存してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>contains a NUL byte: this is not a text CSV file.</source>
        <translation>NUL バイトが含まれています: テキストの CSV ファイルではありません。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>an empty name</source>
        <translation>空の名前</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the header names column {column}, which is not one of: {known}. The first line must name the columns (profile and cn are required).</source>
        <translation>ヘッダーに列 {column} がありますが、次のいずれでもありません: {known}。1 行目には列名を書いてください (profile と cn は必須です)。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>the header names column {column!r} twice.</source>
        <translation>ヘッダーに列 {column!r} が 2 回あります。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the header has no column {columns}; the first line must name the columns, for example: profile;cn;o;c;env;url (known: {known}).</source>
        <translation>ヘッダーに列 {columns} がありません。1 行目には列名を書いてください。例: profile;cn;o;c;env;url (使用できる列: {known})。</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>env {env!r} is neither neo nor cf.</source>
        <translation>env {env!r} は neo でも cf でもありません。</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>the file is empty. The first line must name the columns: profile;cn;…</source>
        <translation>ファイルが空です。1 行目には列名を書いてください: profile;cn;…</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>{fields} fields but the header names {columns}: a value holds the separator {separator!r}? Put such a value in double quotes.</source>
        <translation>フィールドが {fields} 個ありますが、ヘッダーの列は {columns} 個です。値に区切り文字 {separator!r} が含まれていませんか? そのような値は二重引用符で囲んでください。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>profile {profile} is on line {line} already; list each system once.</source>
        <translation>プロファイル {profile} は既に {line} 行目にあります。各システムは 1 回だけ記載してください。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>unreadable CSV ({problem}); rows after it skipped.</source>
        <translation>CSV を読み取れません ({problem})。以降の行はスキップしました。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>there is no header line naming the columns (profile;cn;…).</source>
        <translation>列名を書いたヘッダー行がありません (profile;cn;…)。</translation>
    </message>
    <message>
        <location filename="../wizard/core/batch.py" line="+201"/>
        <source>--out {out} is a file; give a folder for the requests.</source>
        <translation>--out {out} はファイルです。要求の保存先にはフォルダーを指定してください。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>key passphrases of {count} sender systems (batch csr, {day})</source>
        <translation>{count} 件の送信側システムの鍵パスフレーズ (batch csr、{day})</translation>
    </message>
    <message>
        <location line="+136"/>
        <source>a certificate file</source>
        <translation>証明書ファイル</translation>
    </message>
    <message>
        <location line="+96"/>
        <source>none yet</source>
        <translation>まだありません</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No profile matches {pattern!r} (profiles: {known}). Patterns use * and ?, for example --profiles &apos;ERP-*&apos;.</source>
        <translation>{pattern!r} に一致するプロファイルはありません (プロファイル: {known})。パターンには * と ? を使います。例: --profiles &apos;ERP-*&apos;。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>There are no profiles in {folder} yet. Start with: cpi-cert-wizard batch csr --from systems.csv</source>
        <translation>{folder} にはまだプロファイルがありません。次のコマンドから始めてください: cpi-cert-wizard batch csr --from systems.csv</translation>
    </message>
    <message>
        <location line="+80"/>
        <location line="+108"/>
        <source>--out {out} is a file; give a folder.</source>
        <translation>--out {out} はファイルです。フォルダーを指定してください。</translation>
    </message>
    <message>
        <location line="-102"/>
        <source>PKCS#12 passwords of {count} sender systems (batch export, {day})</source>
        <translation>{count} 件の送信側システムの PKCS#12 パスワード (batch export、{day})</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{file} holds this certificate already, written with the same options.</source>
        <translation>{file} には既にこの証明書が同じオプションで書き込まれています。</translation>
    </message>
    <message>
        <location line="+154"/>
        <source>--concurrency must be between 1 and {most}, not {given}.</source>
        <translation>--concurrency は 1 から {most} の間で指定してください ({given} ではなく)。</translation>
    </message>
</context>
<context>
    <name>ca_enroll</name>
    <message>
        <location filename="../wizard/commands/ca_enroll.py" line="+95"/>
        <source>AD CS web enrollment signs in with negotiate, ntlm or basic; a client certificate (--auth certificate) is for EST.</source>
        <translation>AD CS Web 登録のサインインは negotiate、ntlm、basic のいずれかです。クライアント証明書 (--auth certificate) は EST 用です。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Name the CA: --adcs URL --template NAME (AD CS web enrollment) or --est URL (EST). Profile {name!r} has no CA settings yet.</source>
        <translation>CA を指定してください: --adcs URL --template NAME (AD CS Web 登録) または --est URL (EST)。プロファイル {name!r} にはまだ CA の設定がありません。</translation>
    </message>
    <message>
        <location line="+28"/>
        <location filename="../wizard/core/ca_enroll/transport.py" line="+342"/>
        <source>Sign-in with {auth} needs a user name (--user DOMAIN\name); the password is asked for and kept in the keyring.</source>
        <translation>{auth} でのサインインにはユーザー名 (--user DOMAIN\name) が必要です。パスワードは入力を求められ、キーリングに保存されます。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Password of {user} at the CA: </source>
        <translation>CA での {user} のパスワード: </translation>
    </message>
    <message>
        <location line="+20"/>
        <source>--check asks the CA the request was sent to (kept in the profile); leave out --adcs/--est.</source>
        <translation>--check は要求の送信先 CA (プロファイルに保存) に問い合わせます。--adcs/--est は指定しないでください。</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>The CA&apos;s request page lists no templates for you; ask the CA administrators for the template name and give it with --template.</source>
        <translation>CA の要求ページにはあなたが使えるテンプレートがありません。CA の管理者にテンプレート名を確認し、--template で指定してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Templates the CA offers you:</source>
        <translation>CA があなたに提供するテンプレート:</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Still waiting: the request of profile {profile} is {note}.</source>
        <translation>待機中: プロファイル {profile} の要求の状態: {note}。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The CA keeps the request of profile {profile} pending: an administrator must approve it ({note}).</source>
        <translation>CA はプロファイル {profile} の要求を保留しています。管理者の承認が必要です ({note})。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The CA asks to wait until {when} UTC.</source>
        <translation>CA は {when} UTC まで待つよう求めています。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Collect it later (also after a restart, days later): {command}</source>
        <translation>後で取得してください (再起動後や数日後でもかまいません): {command}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The CA at {url} issued the certificate (request {id}).</source>
        <translation>{url} の CA が証明書を発行しました (要求 {id})。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The CA at {url} issued the certificate.</source>
        <translation>{url} の CA が証明書を発行しました。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Next: {command}</source>
        <translation>次: {command}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Password: {where}.</source>
        <translation>パスワード: {where}。</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>--enroll needs the CA: --adcs URL --template NAME (AD CS web enrollment) or --est URL (EST).</source>
        <translation>--enroll には CA の指定が必要です: --adcs URL --template NAME (AD CS Web 登録) または --est URL (EST)。</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Requests waiting at the CA: run the same command again later (or cpi-cert-wizard ca-enroll --profile NAME --check); then cpi-cert-wizard batch export.</source>
        <translation>CA で待機中の要求: 後で同じコマンドを再実行してください (または cpi-cert-wizard ca-enroll --profile NAME --check)。その後 cpi-cert-wizard batch export を実行します。</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/adcs.py" line="+38"/>
        <source>The CA does not offer this certificate template: check the template&apos;s name (its short name, without spaces) or ask the CA administrators to publish it on this CA.</source>
        <translation>CA はこの証明書テンプレートを提供していません。テンプレート名 (空白なしの短い名前) を確認するか、CA の管理者にこの CA で公開するよう依頼してください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The request named no certificate template: give one with --template.</source>
        <translation>要求に証明書テンプレートが指定されていません。--template で指定してください。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Your account may not enroll for this template: ask the CA administrators for the Enroll permission on it, or use the template they name for SAP client certificates.</source>
        <translation>あなたのアカウントはこのテンプレートで登録できません。CA の管理者に「登録」のアクセス許可を依頼するか、SAP クライアント証明書用に指定されたテンプレートを使用してください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The template builds the subject from Active Directory and needs a DNS name there: use a template where the subject is supplied in the request.</source>
        <translation>このテンプレートはサブジェクトを Active Directory から作成し、そこに DNS 名が必要です。サブジェクトを要求で指定するテンプレートを使用してください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The template wants an e-mail address from Active Directory: use a template where the subject is supplied in the request.</source>
        <translation>このテンプレートは Active Directory のメール アドレスを必要とします。サブジェクトを要求で指定するテンプレートを使用してください。</translation>
    </message>
    <message>
        <location line="+116"/>
        <source>{host} refused the sign-in for {what} (HTTP 401). Check the user name and password (or your Kerberos ticket) and that this account may use the CA&apos;s web enrollment; the profile is unchanged.</source>
        <translation>{host} は {what} のサインインを拒否しました (HTTP 401)。ユーザー名とパスワード (または Kerberos チケット) と、このアカウントが CA の Web 登録を使用できることを確認してください。プロファイルは変更されていません。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{host} refused {what} (HTTP 403): this account may not use the CA&apos;s web enrollment. Ask the CA administrators; the profile is unchanged.</source>
        <translation>{host} は {what} を拒否しました (HTTP 403)。このアカウントは CA の Web 登録を使用できません。CA の管理者に問い合わせてください。プロファイルは変更されていません。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} answered {what} with a redirect to {location} (HTTP {status}), usually a sign-in portal in front of the CA. Give the CA&apos;s own web enrollment address (…/certsrv), reachable without a portal.</source>
        <translation>{host} は {what} に対して {location} へのリダイレクト (HTTP {status}) を返しました。通常は CA の前にあるサインイン ポータルです。ポータルを経由せずに届く CA 自身の Web 登録アドレス (…/certsrv) を指定してください。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{url} does not exist (HTTP 404): this is not an AD CS web enrollment address. It ends in /certsrv, for example https://ca.example.com/certsrv.</source>
        <translation>{url} は存在しません (HTTP 404)。AD CS Web 登録のアドレスではありません。アドレスは /certsrv で終わります (例: https://ca.example.com/certsrv)。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} failed on {what} (HTTP {status}).</source>
        <translation>{host} で {what} が失敗しました (HTTP {status})。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>no title</source>
        <translation>タイトルなし</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{url} answered {what} with a web page (&apos;{title}&apos;) instead of a certificate, usually a sign-in page of a proxy or portal in front of the CA. Check the CA&apos;s address and the sign-in method; the profile is unchanged.</source>
        <translation>{url} は {what} に対して証明書ではなく Web ページ (&apos;{title}&apos;) を返しました。通常は CA の前にあるプロキシまたはポータルのサインイン ページです。CA のアドレスとサインイン方法を確認してください。プロファイルは変更されていません。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>the certificate request</source>
        <translation>証明書要求</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>{url} answered {what} with a page the wizard does not recognise as AD CS web enrollment (&apos;{title}&apos;). Check that the address is the CA&apos;s /certsrv; the profile is unchanged.</source>
        <translation>{url} は {what} に対して、ウィザードが AD CS Web 登録と認識できないページ (&apos;{title}&apos;) を返しました。アドレスが CA の /certsrv であることを確認してください。プロファイルは変更されていません。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>request {id}</source>
        <translation>要求 {id}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the certificate of request {id}</source>
        <translation>要求 {id} の証明書</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The CA has not issued request {id}: {reason}.</source>
        <translation>CA は要求 {id} を発行していません: {reason}。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the CA&apos;s answer to request {id} ({url})</source>
        <translation>要求 {id} に対する CA の応答 ({url})</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the list of certificate templates</source>
        <translation>証明書テンプレートの一覧</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/enroll.py" line="+121"/>
        <source>AD CS needs the certificate template: --template NAME (its short name, as the CA administrators publish it for client certificates; &apos;ca-enroll --adcs URL --list-templates&apos; shows the ones the CA offers you).</source>
        <translation>AD CS には証明書テンプレートが必要です: --template NAME (CA の管理者がクライアント証明書用に公開している短い名前。&apos;ca-enroll --adcs URL --list-templates&apos; で CA が提供するテンプレートを表示できます)。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>EST signs in with a user name and password (--auth basic --user NAME) or a client certificate (--client-profile P); not with {auth}.</source>
        <translation>EST のサインインはユーザー名とパスワード (--auth basic --user NAME) またはクライアント証明書 (--client-profile P) で行います。{auth} は使えません。</translation>
    </message>
    <message>
        <location line="+10"/>
        <location filename="../wizard/core/ca_enroll/transport.py" line="-214"/>
        <source>{url!r} is not an https URL. The CA&apos;s address starts with https:// (for AD CS for example https://ca.example.com/certsrv); credentials and requests only travel over TLS.</source>
        <translation>{url!r} は https の URL ではありません。CA のアドレスは https:// で始まります (AD CS の例: https://ca.example.com/certsrv)。資格情報と要求は TLS 経由でのみ送信されます。</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>The EST server&apos;s CA certificates (checked before sending):</source>
        <translation>EST サーバーの CA 証明書 (送信前に確認済み):</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>  {subject}, valid until {date}, SHA-256 {sha256}</source>
        <translation>  {subject}、有効期限 {date}、SHA-256 {sha256}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Profile {name!r} has no certificate request to send to the CA. Create one first: cpi-cert-wizard csr --profile {name} --cn …</source>
        <translation>プロファイル {name!r} には CA に送信する証明書要求がありません。先に作成してください: cpi-cert-wizard csr --profile {name} --cn …</translation>
    </message>
    <message>
        <location line="+24"/>
        <location line="+9"/>
        <source>the keyring ({keyring})</source>
        <translation>キーリング ({keyring})</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>not stored (no keyring): you will be asked again</source>
        <translation>保存されていません (キーリングなし)。再度入力を求められます</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>not stored ({reason})</source>
        <translation>保存されていません ({reason})</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Profile {name!r} has no certificate to sign in to the EST server with. Enroll first (ca-enroll --est URL with --auth basic), or import its certificate.</source>
        <translation>プロファイル {name!r} には EST サーバーにサインインするための証明書がありません。先に登録する (ca-enroll --est URL と --auth basic) か、証明書をインポートしてください。</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>The certificate the CA at {url} issued (request {id})</source>
        <translation>{url} の CA が発行した証明書 (要求 {id})</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The certificate the CA at {url} issued</source>
        <translation>{url} の CA が発行した証明書</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Nothing was imported; the profile is unchanged. Once the cause is fixed, fetch it again with: cpi-cert-wizard ca-enroll --profile {name} --check</source>
        <translation>何もインポートされていません。プロファイルは変更されていません。原因を解消したら、次のコマンドで再取得してください: cpi-cert-wizard ca-enroll --profile {name} --check</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Nothing was imported; the profile is unchanged. The CA keeps the certificate as request {id}: once the cause is fixed, download {url} and import it with cpi-cert-wizard import-reply --profile {name} FILE</source>
        <translation>何もインポートされていません。プロファイルは変更されていません。CA は証明書を要求 {id} として保持しています。原因を解消したら {url} をダウンロードし、cpi-cert-wizard import-reply --profile {name} FILE でインポートしてください</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Nothing was imported; the profile is unchanged. Once the cause is fixed, send the request again: cpi-cert-wizard ca-enroll --profile {name}</source>
        <translation>何もインポートされていません。プロファイルは変更されていません。原因を解消したら、要求を再送信してください: cpi-cert-wizard ca-enroll --profile {name}</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>The key of profile {name!r} was replaced while the CA was being asked; the CA&apos;s answer belongs to the old request. Send the new one.</source>
        <translation>CA への問い合わせ中にプロファイル {name!r} の鍵が置き換えられました。CA の応答は古い要求のものです。新しい要求を送信してください。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>it gave no reason</source>
        <translation>理由は示されていません</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The CA at {url} denied request {id}: {reason}</source>
        <translation>{url} の CA は要求 {id} を拒否しました: {reason}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The CA at {url} denied the request: {reason}</source>
        <translation>{url} の CA は要求を拒否しました: {reason}</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>This request of profile {name!r} is already {note}. Collect it with: cpi-cert-wizard ca-enroll --profile {name} --check</source>
        <translation>プロファイル {name!r} のこの要求はすでに送信済みです ({note})。次のコマンドで取得してください: cpi-cert-wizard ca-enroll --profile {name} --check</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Sending the CSR to {url} (template {template}) …</source>
        <translation>CSR を {url} に送信しています (テンプレート {template}) …</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The CA at {url} keeps the request pending but its page shows no request id, so it cannot be collected later. Ask the CA administrators for it.</source>
        <translation>{url} の CA は要求を保留していますが、ページに要求 ID が表示されないため、後で取得できません。CA の管理者に問い合わせてください。</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Fetching the certificate of request {id} …</source>
        <translation>要求 {id} の証明書を取得しています …</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+47"/>
        <source>Checking the chain …</source>
        <translation>チェーンを確認しています …</translation>
    </message>
    <message>
        <location line="-24"/>
        <source>Reading the CA certificates from {url} …</source>
        <translation>{url} から CA 証明書を読み込んでいます …</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Sending the CSR to {url} ({operation}) …</source>
        <translation>CSR を {url} に送信しています ({operation}) …</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Profile {name!r} has no request waiting at a CA. Send its CSR with: cpi-cert-wizard ca-enroll --profile {name} --adcs URL --template NAME (or --est URL)</source>
        <translation>プロファイル {name!r} には CA で待機中の要求がありません。次のコマンドで CSR を送信してください: cpi-cert-wizard ca-enroll --profile {name} --adcs URL --template NAME (または --est URL)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The request waiting at the CA belongs to an earlier key of profile {name!r}; the profile now has a new CSR. Send the new one (without --check).</source>
        <translation>CA で待機中の要求はプロファイル {name!r} の以前の鍵のものです。プロファイルには新しい CSR があります。新しい CSR を送信してください (--check なし)。</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Asking {url} about request {id} …</source>
        <translation>{url} に要求 {id} を問い合わせています …</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/est.py" line="+61"/>
        <source>{url} answered {what} with {type}, not {expected} (RFC 7030). Check that the address is the EST service (it ends in /.well-known/est).</source>
        <translation>{url} は {what} に対して {expected} ではなく {type} を返しました (RFC 7030)。アドレスが EST サービス (/.well-known/est で終わる) であることを確認してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>no content type</source>
        <translation>コンテンツ タイプなし</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{url} answered {what} with {type} that is not base64 of a PKCS#7 with certificates.</source>
        <translation>{url} は {what} に対して {type} を返しましたが、証明書を含む PKCS#7 の base64 ではありません。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The server said: {text}</source>
        <translation>サーバーの応答: {text}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The EST server {host} refused the sign-in for {what} (HTTP 401).{said} Check the user name and password, or the client certificate; the profile is unchanged.</source>
        <translation>EST サーバー {host} は {what} のサインインを拒否しました (HTTP 401)。{said} ユーザー名とパスワード、またはクライアント証明書を確認してください。プロファイルは変更されていません。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{url} does not exist (HTTP 404): check the EST address and the CA label (--est-label).</source>
        <translation>{url} は存在しません (HTTP 404)。EST のアドレスと CA ラベル (--est-label) を確認してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} answered {what} with a redirect to {location} (HTTP {status}). Give the EST service&apos;s own address.</source>
        <translation>{host} は {what} に対して {location} へのリダイレクト (HTTP {status}) を返しました。EST サービス自身のアドレスを指定してください。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The EST server {host} refused {what} (HTTP {status}).{said}</source>
        <translation>EST サーバー {host} は {what} を拒否しました (HTTP {status})。{said}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the CA certificates (cacerts)</source>
        <translation>CA 証明書 (cacerts)</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>{url} sent no CA certificates.</source>
        <translation>{url} は CA 証明書を送信しませんでした。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The CA certificate &apos;{subject}&apos; from {url} is not valid now (valid {start} to {end}): certificates it signs would be refused. Nothing was sent; tell the CA administrators.</source>
        <translation>{url} の CA 証明書 &apos;{subject}&apos; は現在有効ではありません (有効期間 {start} ～ {end})。この CA が署名した証明書は拒否されます。何も送信していません。CA の管理者に連絡してください。</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>the certificate request ({operation})</source>
        <translation>証明書要求 ({operation})</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/pending.py" line="+21"/>
        <source>pending at the CA since {when} (request {id})</source>
        <translation>{when} から CA で保留中 (要求 {id})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>pending at the CA since {when}</source>
        <translation>{when} から CA で保留中</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/transport.py" line="+24"/>
        <source>The client certificate {file} cannot be used for TLS ({reason}).</source>
        <translation>クライアント証明書 {file} は TLS に使用できません ({reason})。</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>{host} closed the connection without an answer.</source>
        <translation>{host} は応答せずに接続を閉じました。</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>{host} does not offer {scheme} sign-in (it offers: {offers}). Choose one it offers with --auth {choice}.</source>
        <translation>{host} は {scheme} サインインに対応していません (対応: {offers})。--auth {choice} で対応しているものを選んでください。</translation>
    </message>
    <message>
        <location line="+101"/>
        <source>This installation has no Negotiate/NTLM support (the Python package pyspnego is missing). Use --auth basic, or install pyspnego.</source>
        <translation>このインストールは Negotiate/NTLM に対応していません (Python パッケージ pyspnego がありません)。--auth basic を使用するか、pyspnego をインストールしてください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>This installation cannot use Kerberos (the Python package gssapi is missing; install cpi-cert-wizard with its &apos;kerberos&apos; extra, which needs the system&apos;s Kerberos library). Sign in with --auth ntlm or --auth basic and --user instead.</source>
        <translation>このインストールでは Kerberos を使用できません (Python パッケージ gssapi がありません。&apos;kerberos&apos; エクストラ付きで cpi-cert-wizard をインストールしてください。システムの Kerberos ライブラリが必要です)。代わりに --auth ntlm または --auth basic と --user でサインインしてください。</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Kerberos sign-in to {host} failed: {reason}. On Windows sign in to the domain; on Linux get a ticket first (kinit name@REALM) and check that the CA&apos;s name {host} is the one its HTTP service principal is registered for. Or sign in with a user name and password: --auth ntlm or --auth basic with --user.</source>
        <translation>{host} への Kerberos サインインに失敗しました: {reason}。Windows ではドメインにサインインしてください。Linux では先にチケットを取得し (kinit name@REALM)、CA の名前 {host} が HTTP サービス プリンシパルの登録名であることを確認してください。または、ユーザー名とパスワードでサインインしてください: --auth ntlm または --auth basic と --user。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>NTLM sign-in to {host} failed: {reason}.</source>
        <translation>{host} への NTLM サインインに失敗しました: {reason}。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>{host} ended the TLS handshake ({reason}): it wants a client certificate it trusts. Sign in with a certificate the CA issued (renewal, or --client-profile).</source>
        <translation>{host} は TLS ハンドシェイクを終了しました ({reason})。信頼できるクライアント証明書が必要です。CA が発行した証明書でサインインしてください (更新、または --client-profile)。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>TLS with {host} failed: {reason}.</source>
        <translation>{host} との TLS に失敗しました: {reason}。</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/many.py" line="+55"/>
        <source>has a certificate already; nothing sent.</source>
        <translation>すでに証明書があります。何も送信していません。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>sent; {note}.</source>
        <translation>送信済み。{note}。</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>still {note}.</source>
        <translation>引き続き {note}。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>issued by the CA and imported.</source>
        <translation>CA が発行し、インポートしました。</translation>
    </message>
</context>
<context>
    <name>cli</name>
    <message>
        <location filename="../wizard/commands/common.py" line="+71"/>
        <source>{prompt}: no answer (end of input). Nothing was changed.</source>
        <translation>{prompt}: 応答がありません (入力の終わり)。何も変更していません。</translation>
    </message>
    <message>
        <location filename="../wizard/cli.py" line="+305"/>
        <source>The argument {argument} holds bytes that are not text in this system&apos;s encoding. Type it again, or rename the file it names.</source>
        <translation>引数 {argument} には、このシステムの文字コードではテキストにならないバイトが含まれています。入力し直すか、指しているファイルの名前を変更してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>choose a command</source>
        <translation>コマンドを選んでください</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>error: {message}</source>
        <translation>エラー: {message}</translation>
    </message>
</context>
<context>
    <name>client_identity</name>
    <message>
        <location filename="../wizard/core/client_identity.py" line="+77"/>
        <source>the roots in {file}</source>
        <translation>{file} のルート証明書</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the acceptable-CA names fetch-root recorded from the server</source>
        <translation>ルート証明書の取得時にサーバーから記録した、受け入れられる CA の名前</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the acceptable-CA names the server sent in this call</source>
        <translation>この呼び出しでサーバーが送信した、受け入れられる CA の名前</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the custom domain&apos;s trusted CAs</source>
        <translation>カスタムドメインの信頼済み CA</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SAP&apos;s list of client roots</source>
        <translation>SAP のクライアント証明書用ルート証明書一覧</translation>
    </message>
</context>
<context>
    <name>csr</name>
    <message>
        <location filename="../wizard/commands/csr.py" line="+44"/>
        <source>Give either --subject or --cn (with --org …), not both.</source>
        <translation>--subject と --cn (--org などと併用) のどちらか一方を指定してください。両方は指定できません。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Say what the certificate is for: --cn NAME (or --subject DN).</source>
        <translation>証明書の用途を指定してください: --cn NAME (または --subject DN)。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Request: {file}</source>
        <translation>要求: {file}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key:     {file} (encrypted; passphrase kept in {where})</source>
        <translation>鍵:   {file} (暗号化済み。パスフレーズの保管場所: {where})</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The previous key and certificate were copied to {folder}.</source>
        <translation>以前の鍵と証明書を {folder} にコピーしました。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Send the request to your CA and ask for a client-authentication certificate (Extended
Key Usage clientAuth) with the whole chain, from a CA on SAP&apos;s trust list. Then run:</source>
        <translation>要求を CA に送付し、クライアント認証用証明書 (拡張キー使用法 (EKU) に clientAuth を含むもの) を、
SAP のトラストリストにある CA にチェーン全体付きで依頼してください。その後、次を実行します:</translation>
    </message>
    <message>
        <location filename="../wizard/core/csr.py" line="+21"/>
        <source>Common name (CN)</source>
        <translation>コモンネーム (CN)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Organizational unit (OU)</source>
        <translation>組織単位 (OU)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Organization (O)</source>
        <translation>組織 (O)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Locality (L)</source>
        <translation>市区町村 (L)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>State or province (ST)</source>
        <translation>都道府県 (ST)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Country (C)</source>
        <translation>国 (C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail address</source>
        <translation>メールアドレス</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{value!r} is not an e-mail address.</source>
        <translation>{value!r} はメールアドレスではありません。</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>The common name (CN) is required.</source>
        <translation>コモンネーム (CN) は必須です。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{label} has leading or trailing spaces; SAP compares the DN exactly, so remove them.</source>
        <translation>{label} の先頭または末尾に空白があります。SAP は DN を厳密に比較するため、空白を削除してください。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Country must be a two-letter ISO 3166 code in capitals, e.g. DE.</source>
        <translation>国は ISO 3166 の 2 文字の大文字コードで指定してください (例: DE)。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{label} is {length} characters; at most {limit}.</source>
        <translation>{label} は {length} 文字です。最大 {limit} 文字までです。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{label} contains control characters.</source>
        <translation>{label} に制御文字が含まれています。</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{label} appears more than once.</source>
        <translation>{label} が複数回指定されています。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The subject attribute {attribute!r} is not supported here; use CN, O, OU, L, ST, C and emailAddress.</source>
        <translation>サブジェクト属性 {attribute!r} はここではサポートされていません。CN、O、OU、L、ST、C、emailAddress を使用してください。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{text!r} is not a distinguished name ({reason}). Write it like &quot;CN=erp-prd,O=ACME AG,C=DE&quot;.</source>
        <translation>{text!r} は識別名 (DN) ではありません ({reason})。&quot;CN=erp-prd,O=ACME AG,C=DE&quot; のように記述してください。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{text!r} is not a SAN; write DNS:host, email:a@b, URI:… or IP:…</source>
        <translation>{text!r} は SAN ではありません。DNS:host、email:a@b、URI:…、IP:… のように記述してください。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{value!r} is not a DNS name.</source>
        <translation>{value!r} は DNS 名ではありません。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{value!r} is not a URI.</source>
        <translation>{value!r} は URI ではありません。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{value!r} is not an IP address.</source>
        <translation>{value!r} は IP アドレスではありません。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{kind!r} is not a SAN type here; use DNS, email, URI or IP ({text!r}).</source>
        <translation>{kind!r} はここで使用できる SAN タイプではありません。DNS、email、URI、IP のいずれかを使用してください ({text!r})。</translation>
    </message>
</context>
<context>
    <name>enrollment</name>
    <message>
        <location filename="../wizard/core/enrollment.py" line="+125"/>
        <source>Profile {name!r} already has a key ({key}); its CSR is {csr}. To replace it (renewal, or a lost CSR), run again with --new-key; the current certificate keeps working until you deploy the new one.</source>
        <translation>プロファイル {name!r} には既に鍵 ({key}) があり、その CSR は {csr} です。置き換える場合 (更新、または CSR の紛失) は --new-key を付けて再実行してください。新しい証明書を配置するまで、現在の証明書は引き続き使用できます。</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>Profile {name!r} has no key yet. Generate one: cpi-cert-wizard csr --profile {name} --cn …</source>
        <translation>プロファイル {name!r} にはまだ鍵がありません。生成してください: cpi-cert-wizard csr --profile {name} --cn …</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Profile {name!r} has no certificate yet. Import the CA&apos;s reply first: cpi-cert-wizard import-reply --profile {name} FILE</source>
        <translation>プロファイル {name!r} にはまだ証明書がありません。先に CA の応答をインポートしてください: cpi-cert-wizard import-reply --profile {name} FILE</translation>
    </message>
    <message>
        <location line="+142"/>
        <source>Profile {name!r} has no certificate request, so no CA reply can belong to it. Create one first: cpi-cert-wizard csr --profile {name} --cn …</source>
        <translation>プロファイル {name!r} には証明書署名要求がないため、対応する CA の応答もありません。先に作成してください: cpi-cert-wizard csr --profile {name} --cn …</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The key of profile {name!r} was replaced while the reply was being checked; this reply belongs to the old key. Import the reply for the new request.</source>
        <translation>応答の確認中にプロファイル {name!r} の鍵が置き換えられました。この応答は古い鍵のものです。新しい要求に対する応答をインポートしてください。</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>a PKCS#12 file</source>
        <translation>PKCS#12 ファイル</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{file} holds a key but no certificate.</source>
        <translation>{file} には鍵が含まれていますが、証明書がありません。</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Profile {name!r} has a certificate request waiting at the CA ({csr}); importing this keystore would replace its key, and the CA&apos;s answer would then fit no key. To replace it anyway, run again with --new-key (the current key is kept in the profile&apos;s archive); or import into another --profile.</source>
        <translation>プロファイル {name!r} には CA の回答を待っている証明書要求があります ({csr})。このキーストアをインポートすると鍵が置き換わり、CA の回答はどの鍵にも合わなくなります。それでも置き換える場合は --new-key を付けて再実行してください (現在の鍵はプロファイルのアーカイブに残ります)。または別の --profile にインポートしてください。</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>a service key (JSON)</source>
        <translation>サービスキー (JSON)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} is not JSON ({reason}). Copy the service key as shown in the BTP cockpit (Instances and Subscriptions → the instance → Service Keys → View).</source>
        <translation>{file} は JSON ではありません ({reason})。BTP cockpit に表示されるとおりにサービスキーをコピーしてください (Instances and Subscriptions → 該当のインスタンス → Service Keys → View)。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{file} has no &apos;certificate&apos; and &apos;key&apos; fields: it is not a service key of key-type &apos;certificate&apos; (a client-secret key has &apos;clientsecret&apos; instead). Create the key with {parameters} or use the External Certificate path.</source>
        <translation>{file} には &apos;certificate&apos; と &apos;key&apos; のフィールドがありません: key-type &apos;certificate&apos; のサービスキーではありません (クライアントシークレットのキーには代わりに &apos;clientsecret&apos; があります)。{parameters} でキーを作成するか、外部証明書の方法を使ってください。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The &apos;key&apos; field of {file} is not a readable PEM private key.</source>
        <translation>{file} の &apos;key&apos; フィールドは読み取り可能な PEM 秘密鍵ではありません。</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>{file} exists already and was kept. Confirm to replace it (--force on the command line), or choose another --out.</source>
        <translation>{file} は既に存在するため、そのまま残しました。置き換えるには確認してください (コマンドラインでは --force)。または別の --out を選んでください。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The PKCS#12 password needs {count} characters or more, on one line.</source>
        <translation>PKCS#12 のパスワードは {count} 文字以上、1 行で指定してください。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>--out {file}: the keystore is a .p12 (or .pfx) file, and {suffix} is the name of one of the public files written next to it. Give --out NAME.p12 or a folder.</source>
        <translation>--out {file}: キーストアは .p12 (または .pfx) ファイルです。{suffix} は、その横に書き込まれる公開ファイルの拡張子です。--out NAME.p12 またはフォルダーを指定してください。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>--out {file}: give the keystore a name ending in .p12 or .pfx.</source>
        <translation>--out {file}: キーストアには .p12 または .pfx で終わる名前を付けてください。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>The key of profile {name!r} does not belong to its stored certificate (the key was replaced after the import). Import the certificate for the new key, or export the old .p12 from the profile&apos;s archive folder.</source>
        <translation>プロファイル {name!r} の鍵が、保存されている証明書に対応していません (インポート後に鍵が置き換えられました)。新しい鍵に対する証明書をインポートするか、プロファイルのアーカイブフォルダーから古い .p12 をエクスポートしてください。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>not stored: no keyring, the password you chose</source>
        <translation>保存されていません: キーリングがありません (ご自身で決めたパスワードです)</translation>
    </message>
</context>
<context>
    <name>expiry</name>
    <message>
        <location filename="../wizard/commands/expiry.py" line="+46"/>
        <source>--within needs a number of days, 0 or more.</source>
        <translation>--within には 0 以上の日数を指定してください。</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>No profiles yet. Start with: cpi-cert-wizard csr --profile NAME --cn COMMON-NAME</source>
        <translation>プロファイルはまだありません。次のコマンドで始めてください: cpi-cert-wizard csr --profile NAME --cn COMMON-NAME</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>No certificate expires within {days} days.</source>
        <translation>{days} 日以内に有効期限が切れる証明書はありません。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{profiles} profiles; {due} to renew now.</source>
        <translation>プロファイル {profiles} 件、うち今すぐ更新が必要なもの {due} 件。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Calendar reminders: {file} (import it into your calendar).</source>
        <translation>カレンダーのリマインダー: {file} (カレンダーにインポートしてください)。</translation>
    </message>
    <message>
        <location filename="../wizard/core/expiry.py" line="+39"/>
        <source>No certificate yet (state {state}); nothing expires.</source>
        <translation>まだ証明書がありません (状態 {state})。期限切れになるものはありません。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Valid for {days} more days; plan the renewal from {renew_by}.</source>
        <translation>あと {days} 日間有効です。{renew_by} から更新を計画してください。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Renew now: only {days} days left (expires {date}). {how}</source>
        <translation>今すぐ更新してください: 残り {days} 日です ({date} に期限切れ)。{how}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Renew now: {used}% of its {lifetime}-day lifetime is used (expires {date}, {days} days left). {how}</source>
        <translation>今すぐ更新してください: 有効期間 {lifetime} 日のうち {used}% が経過しています ({date} に期限切れ、残り {days} 日)。{how}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Expired on {date} ({days} days ago): the tenant refuses it. {how}</source>
        <translation>{date} に期限切れになりました ({days} 日前)。テナントはこの証明書を拒否します。{how}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The CA certificate {subject} in its chain ends on {date}, before the certificate itself: from then on the chain no longer validates. </source>
        <translation>チェーン内の CA 証明書 {subject} は証明書自体より前の {date} に期限切れになります。それ以降、チェーンは検証に失敗します。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{message}</source>
        <translation>{message}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Make a new key and request (cpi-cert-wizard csr --profile {profile} --new-key …), import the CA&apos;s reply, export the new .p12; then {tenant}</source>
        <translation>新しい鍵と要求を作成し (cpi-cert-wizard csr --profile {profile} --new-key …)、CA の応答をインポートし、新しい .p12 をエクスポートしてください。その後 {tenant}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>add a new Certificate-to-User Mapping on Neo (it matches the whole certificate).</source>
        <translation>Neo で新しい証明書とユーザーのマッピングを追加してください (証明書全体で照合されます)。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>create a new service key on Cloud Foundry (pinning accepts only the exact one).</source>
        <translation>Cloud Foundry で新しいサービスキーを作成してください (ピン留めは完全に一致する証明書のみを受け入れます)。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>update the tenant entry (a new Neo mapping or Cloud Foundry service key).</source>
        <translation>テナントの登録を更新してください (新しい Neo のマッピングまたは Cloud Foundry のサービスキー)。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Renew the client certificate of {profile}</source>
        <translation>{profile} のクライアント証明書を更新する</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The client certificate of sender system {profile} ({subject}) expires on {date}. {how}
Certificate SHA-256: {sha256}</source>
        <translation>送信側システム {profile} ({subject}) のクライアント証明書は {date} に期限切れになります。{how}
証明書 SHA-256: {sha256}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> (This reminder was made less than {days_before} days before the expiry.)</source>
        <translation> (このリマインダーは期限切れの {days_before} 日前より後に作成されました。)</translation>
    </message>
</context>
<context>
    <name>export_p12</name>
    <message>
        <location filename="../wizard/commands/export_p12.py" line="+78"/>
        <source>Password: {password}</source>
        <translation>パスワード: {password}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Password: not shown</source>
        <translation>パスワード: 表示しません</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Password: the one you typed</source>
        <translation>パスワード: 入力したもの</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  kept in {where}; show it again with &apos;cpi-cert-wizard secret show --profile {profile} p12&apos;</source>
        <translation>  保管場所: {where}。再表示するには &apos;cpi-cert-wizard secret show --profile {profile} p12&apos; を実行します</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Which file goes where:</source>
        <translation>各ファイルの配置先:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the sender system&apos;s keystore (STRUST: sapgenpse import_p12; Java: keytool -importkeystore; Postman: PFX)</source>
        <translation>送信側システムのキーストア (STRUST: sapgenpse import_p12、Java: keytool -importkeystore、Postman: PFX)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the tenant (Neo Certificate-to-User Mapping)</source>
        <translation>テナント (Neo の証明書とユーザーのマッピング)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the tenant (Cloud Foundry External Certificate key)</source>
        <translation>テナント (Cloud Foundry の External Certificate キー)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>curl --cert / Postman: leaf + intermediates</source>
        <translation>curl --cert / Postman: リーフ + 中間証明書</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Next: {command}</source>
        <translation>次の手順: {command}</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>a password file</source>
        <translation>パスワードファイル</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>New PKCS#12 password: </source>
        <translation>新しい PKCS#12 パスワード: </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The same password again: </source>
        <translation>同じパスワードをもう一度: </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The two entries differ; nothing was exported. Try again.</source>
        <translation>2 つの入力が一致しないため、何もエクスポートしていません。もう一度お試しください。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{files} exist(s) already. Replace? [y/N] </source>
        <translation>{files} は既に存在します。置き換えますか? [y/N] </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>y</source>
        <translation>y</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Step by step for your sender: --sender {choices}</source>
        <translation>送信側システムごとの手順: --sender {choices}</translation>
    </message>
</context>
<context>
    <name>fetch_root</name>
    <message>
        <location filename="../wizard/core/fetch_root.py" line="+156"/>
        <source>Server chain: valid for {name}.</source>
        <translation>サーバーチェーン: {name} に対して有効です。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Server chain: NOT valid for {name}:</source>
        <translation>サーバーチェーン: {name} に対して有効ではありません:</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The server ended the handshake after sending its chain ({error}); it requires a client certificate, and none is sent when fetching the root. The chain above was read before that.</source>
        <translation>サーバーはチェーンの送信後にハンドシェイクを終了しました ({error})。サーバーはクライアント証明書を要求していますが、ルート証明書の取得時にはクライアント証明書を送信しません。上記のチェーンはその前に読み取ったものです。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The server ended the handshake after sending its chain ({error}). The chain above was read before that.</source>
        <translation>サーバーはチェーンの送信後にハンドシェイクを終了しました ({error})。上記のチェーンはその前に読み取ったものです。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Root: not found, so nothing was saved. The chain stops at &apos;{subject}&apos;, issued by &apos;{issuer}&apos;: get that CA&apos;s root certificate (from the CA&apos;s website, or SAP&apos;s Connectivity Test) and pass it with --ca-file.</source>
        <translation>ルート証明書: 見つからないため、何も保存していません。チェーンは &apos;{subject}&apos; (発行者 &apos;{issuer}&apos;) で途切れています。その CA のルート証明書を (CA の Web サイトまたは SAP の接続テストで) 入手し、--ca-file で指定してください。</translation>
    </message>
    <message>
        <location filename="../wizard/commands/fetch_root.py" line="+64"/>
        <source>--timeout must be a positive number of seconds.</source>
        <translation>--timeout には正の秒数を指定してください。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Reading the certificate chain of {address}…</source>
        <translation>{address} の証明書チェーンを読み込んでいます…</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Chain of {address} ({protocol}, through the proxy {proxy}):</source>
        <translation>{address} のチェーン ({protocol}、プロキシ {proxy} 経由):</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Chain of {address} ({protocol}):</source>
        <translation>{address} のチェーン ({protocol}):</translation>
    </message>
    <message>
        <location line="+11"/>
        <location filename="../wizard/core/fetch_root.py" line="+15"/>
        <source>sent by server</source>
        <translation>サーバーから送信</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../wizard/core/fetch_root.py" line="+5"/>
        <source>resolved from {source}</source>
        <translation>{source} から解決</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Saved (profile {profile}):</source>
        <translation>保存しました (プロファイル {profile}):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Saved:</source>
        <translation>保存しました:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Next: import {cer} into the sender&apos;s trust store (STRUST: SSL client PSE → Import certificate → Add to Certificate List; Java: keytool -importcert -file {cer}; Postman: Settings → Certificates → CA certificates → {pem}).</source>
        <translation>次の手順: {cer} を送信側のトラストストアにインポートします (STRUST: SSL client PSE → Import certificate → Add to Certificate List、Java: keytool -importcert -file {cer}、Postman: Settings → Certificates → CA certificates → {pem})。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Not saved: add --profile NAME and/or --out DIR to save the root.</source>
        <translation>保存していません: ルート証明書を保存するには --profile NAME と --out DIR の一方または両方を指定してください。</translation>
    </message>
    <message>
        <location filename="../wizard/core/fetch_root.py" line="-14"/>
        <source>Root: not found, so nothing was saved. The chain stops at &apos;{subject}&apos;, issued by &apos;{issuer}&apos;: get that CA&apos;s root certificate (from the CA&apos;s website, or SAP&apos;s Connectivity Test) and tick Skip on this step.</source>
        <translation>ルート証明書: 見つからないため、何も保存していません。チェーンは &apos;{subject}&apos; (発行者 &apos;{issuer}&apos;) で途切れています。その CA のルート証明書を (CA の Web サイトまたは SAP の接続テストで) 入手し、このステップで「今はスキップ」にチェックを入れてください。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Root: {subject} (SHA-256 {sha256}), {origin}.</source>
        <translation>ルート証明書: {subject} (SHA-256 {sha256})、{origin}。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s list, {version}: the root is on the required list (the roots every BTP client must trust).</source>
        <translation>SAP のリスト ({version}): このルート証明書は必須リスト (すべての BTP クライアントが信頼する必要があるルート) に含まれています。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s list, {version}: the root is approved, but not on the required list.</source>
        <translation>SAP のリスト ({version}): このルート証明書は承認済みですが、必須リストには含まれていません。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>SAP&apos;s list, {version}: the root is not in this version of the list (it was in earlier ones); whether SAP still uses it is not confirmed.</source>
        <translation>SAP のリスト、{version}: このルートはこのバージョンのリストにはありません（以前のバージョンにはありました）。SAP がまだ使っているかどうかは未確認です。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s list, {version}: the root is an expired historic root.</source>
        <translation>SAP のリスト ({version}): このルート証明書は有効期限切れの旧ルートです。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>SAP&apos;s list, {version}: the root is not on it. That is unusual for an SAP Cloud Integration host: check that this is the tenant&apos;s runtime host, and whether a proxy or firewall that inspects TLS put its own root in front.</source>
        <translation>SAP のリスト ({version}): このルート証明書は含まれていません。SAP Cloud Integration のホストとしては通常ありえません。テナントのランタイムホストであること、また TLS を検査するプロキシやファイアウォールが独自のルート証明書を差し込んでいないかを確認してください。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Environment: Neo (the host is an -iflmap. runtime host).</source>
        <translation>環境: Neo (ホストは -iflmap. のランタイムホストです)。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Environment: Cloud Foundry (the host is an -rt.cfapps. runtime host).</source>
        <translation>環境: Cloud Foundry (ホストは -rt.cfapps. のランタイムホストです)。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Environment: not recognised from the host name (neither Neo -iflmap. nor Cloud Foundry -rt.cfapps.); choose it in the profile.</source>
        <translation>環境: ホスト名から判別できません (Neo の -iflmap. でも Cloud Foundry の -rt.cfapps. でもありません)。プロファイルで選択してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Client certificates: the server did not ask for one during the handshake.</source>
        <translation>クライアント証明書: サーバーはハンドシェイク中にクライアント証明書を要求しませんでした。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Client certificates: the server asks for one and lists no CA names (it does not say which CAs it accepts).</source>
        <translation>クライアント証明書: サーバーは要求していますが、CA 名を提示していません (受け入れる CA を示していません)。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Client certificates: the server asks for one and lists %n acceptable CA name(s); your certificate must chain to one of them:</source>
        <translation>クライアント証明書: サーバーは証明書を要求しており、受け入れ可能な CA 名を %n 件提示しています。証明書はそのいずれかにつながる必要があります:</translation>
    </message>
</context>
<context>
    <name>flow</name>
    <message>
        <location filename="../wizard/core/flow.py" line="+82"/>
        <source>Sender systems</source>
        <translation>送信側システム</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sender system and tenant</source>
        <translation>送信側システムとテナント</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trust the tenant</source>
        <translation>テナントの信頼</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key and certificate request</source>
        <translation>鍵と証明書署名要求</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting for the CA</source>
        <translation>CA の応答待ち</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed certificate</source>
        <translation>署名済み証明書</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export for the sender system</source>
        <translation>送信側システム用エクスポート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tenant entry</source>
        <translation>テナントへの登録</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Test call</source>
        <translation>テスト呼び出し</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Summary</source>
        <translation>概要</translation>
    </message>
    <message>
        <location line="+126"/>
        <source>This is not a URL or host name: paste the endpoint as https://host/path, or the runtime host alone.</source>
        <translation>これは URL でもホスト名でもありません。エンドポイントを https://host/path の形で貼り付けるか、ランタイム ホストだけを入力してください。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The tenant is called over HTTPS: the URL starts with https://.</source>
        <translation>テナントは HTTPS で呼び出します。URL は https:// で始まります。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>{host} is the Cloud Foundry design-time (management) host, not the runtime endpoint a sender calls: the runtime host has -rt after it-cpiNNN (the url of the integration-flow service key).</source>
        <translation>{host} は Cloud Foundry の設計時 (管理) ホストで、送信側が呼び出すランタイム エンドポイントではありません。ランタイム ホストは it-cpiNNN の後に -rt が付きます (統合フローのサービス キーの url)。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{host} is the Neo management (tmn) host, not the runtime endpoint a sender calls: the runtime host ends in -iflmap.</source>
        <translation>{host} は Neo の管理 (tmn) ホストで、送信側が呼び出すランタイム エンドポイントではありません。ランタイム ホストは -iflmap で終わります。</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{code} is not an ISO 3166 country code; use the two letters, e.g. DE.</source>
        <translation>{code} は ISO 3166 の国コードではありません。DE のような 2 文字を使ってください。</translation>
    </message>
    <message>
        <location line="+127"/>
        <source>the tenant&apos;s load-balancer root (DER)</source>
        <translation>テナントのロードバランサーのルート証明書 (DER)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the sender&apos;s trust store: STRUST SSL client PSE, Java truststore, Postman CA certificates</source>
        <translation>送信側のトラストストア: STRUST の SSL client PSE、Java トラストストア、Postman の CA certificates</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the same root as PEM text</source>
        <translation>同じルート証明書の PEM テキスト</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>trust stores that want PEM (curl --cacert, OpenSSL)</source>
        <translation>PEM 形式を求めるトラストストア (curl --cacert、OpenSSL)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the certificate request: public key and subject</source>
        <translation>証明書署名要求: 公開鍵とサブジェクト</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the CA, asking for a client authentication certificate</source>
        <translation>CA (クライアント認証用証明書を依頼)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>private key, certificate and intermediates, protected by a password</source>
        <translation>秘密鍵、証明書、中間証明書 (パスワードで保護)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the sender&apos;s keystore: STRUST (sapgenpse import_p12), keytool -importkeystore, Postman PFX, Windows</source>
        <translation>送信側のキーストア: STRUST (sapgenpse import_p12)、keytool -importkeystore、Postman の PFX、Windows</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the client certificate only, public (DER)</source>
        <translation>クライアント証明書のみ、公開情報 (DER)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the tenant: Neo Certificate-to-User Mapping upload</source>
        <translation>テナント: Neo の証明書とユーザーのマッピングにアップロード</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the client certificate only, public (PEM)</source>
        <translation>クライアント証明書のみ、公開情報 (PEM)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the tenant: Cloud Foundry External Certificate service key</source>
        <translation>テナント: Cloud Foundry の External Certificate サービスキー</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the certificate and its intermediates (PEM)</source>
        <translation>証明書とその中間証明書 (PEM)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>curl --cert, or senders that take the chain separately</source>
        <translation>curl --cert、またはチェーンを個別に受け取る送信側</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the body of the mapping API call</source>
        <translation>マッピング API 呼び出しの本文</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>POST /api/v1/CertificateUserMappings on the Neo tenant</source>
        <translation>Neo テナントへの POST /api/v1/CertificateUserMappings</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the service instance&apos;s parameters (roles)</source>
        <translation>サービスインスタンスのパラメーター (ロール)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cf create-service … -c, or the cockpit&apos;s JSON field</source>
        <translation>cf create-service … -c、またはコックピットの JSON フィールド</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the External Certificate service key&apos;s parameters</source>
        <translation>External Certificate サービスキーのパラメーター</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cf create-service-key … -c, or the cockpit&apos;s JSON field</source>
        <translation>cf create-service-key … -c、またはコックピットの JSON フィールド</translation>
    </message>
</context>
<context>
    <name>https</name>
    <message>
        <location filename="../wizard/core/https.py" line="+81"/>
        <source>{url} answered {what} with {content_type} that is not JSON (HTTP {status}).</source>
        <translation>{url} は{what}に対して JSON ではない {content_type} で応答しました (HTTP {status})。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>no content type</source>
        <translation>コンテンツタイプなし</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>{file} cannot be used as CA file ({reason}); give a PEM file with the CA certificate that signed the server&apos;s certificate.</source>
        <translation>{file} は CA ファイルとして使用できません ({reason})。サーバー証明書に署名した CA 証明書を含む PEM ファイルを指定してください。</translation>
    </message>
    <message>
        <location line="+136"/>
        <location line="+129"/>
        <source>{url!r} is not an https URL.</source>
        <translation>{url!r} は https URL ではありません。</translation>
    </message>
    <message>
        <location line="-68"/>
        <source>The server certificate of {host} is not trusted ({reason}). {advice}</source>
        <translation>{host} のサーバー証明書は信頼されていません ({reason})。{advice}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The proxy {proxy} (HTTPS_PROXY) refused to connect to {host} ({reason}). Ask for {host} to be allowed, or set NO_PROXY if it should be reached directly.</source>
        <translation>プロキシ {proxy} (HTTPS_PROXY) が {host} への接続を拒否しました ({reason})。{host} への接続の許可を依頼するか、直接接続すべき場合は NO_PROXY を設定してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>connection refused</source>
        <translation>接続が拒否されました</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no answer in time</source>
        <translation>時間内に応答がありません</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the host name is unknown</source>
        <translation>ホスト名が不明です</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cannot reach {host} through the proxy {proxy} (HTTPS_PROXY): {detail}. Check the proxy address and that it is running, or unset HTTPS_PROXY to connect directly.</source>
        <translation>プロキシ {proxy} (HTTPS_PROXY) 経由で {host} に到達できません: {detail}。プロキシのアドレスとプロキシが実行中であることを確認するか、HTTPS_PROXY の設定を解除して直接接続してください。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Cannot reach {host}: {detail}. {check}</source>
        <translation>{host} に到達できません: {detail}。{check}</translation>
    </message>
    <message>
        <location line="+80"/>
        <source>The server certificate of {host} is not trusted ({why}). {advice}</source>
        <translation>{host} のサーバー証明書は信頼されていません ({why})。{advice}</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>{host} refused the client certificate of the service key during the TLS handshake{reason}: it is expired, revoked or not the one of this key. Create a new service key and run again with --destination-key NEW-KEY.json.</source>
        <translation>{host} は TLS ハンドシェイクでサービスキーのクライアント証明書を拒否しました{reason}。証明書の期限切れ、失効、またはこのキーのものではありません。新しいサービスキーを作成し、--destination-key NEW-KEY.json を付けて再実行してください。</translation>
    </message>
    <message>
        <location filename="../wizard/core/neo_api.py" line="+90"/>
        <source>Check the --tmn URL, your network and proxy (HTTPS_PROXY), then try again.</source>
        <translation>--tmn の URL、ネットワーク、プロキシ (HTTPS_PROXY) を確認してから、もう一度実行してください。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>For a private test server give its CA with --ca-file; for SAP&apos;s hosts check for a TLS-inspecting proxy.</source>
        <translation>プライベートなテストサーバーの場合は --ca-file でその CA を指定してください。SAP のホストの場合は、TLS インスペクションを行うプロキシがないか確認してください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>It looks like a login page: check that the URL is the tmn host and that this user may log in with a password (or use --tmn-client-id).</source>
        <translation>ログインページのようです。URL が tmn ホストであること、およびこのユーザーがパスワードでログインできることを確認してください (または --tmn-client-id を使用してください)。</translation>
    </message>
    <message>
        <location filename="../wizard/core/sap_sign.py" line="+419"/>
        <source>Check the service key&apos;s &apos;url&apos; and &apos;uri&apos;, your network and, if you need one, the proxy (HTTPS_PROXY); then try again.</source>
        <translation>サービスキーの &apos;url&apos; と &apos;uri&apos;、ネットワーク、必要に応じてプロキシ (HTTPS_PROXY) を確認してから、もう一度実行してください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>For SAP&apos;s hosts check for a TLS-inspecting proxy (give its CA with --ca-file); for a private test server give its CA with --ca-file.</source>
        <translation>SAP のホストの場合は、TLS インスペクションを行うプロキシがないか確認してください (その CA を --ca-file で指定します)。プライベートなテストサーバーの場合は --ca-file でその CA を指定してください。</translation>
    </message>
    <message>
        <location filename="../wizard/core/ca_enroll/transport.py" line="-414"/>
        <source>Check the CA&apos;s address (and that its web enrollment or EST service runs), your network and, if you need one, the proxy (--proxy or HTTPS_PROXY); then try again.</source>
        <translation>CA のアドレス (と Web 登録または EST サービスが動作していること)、ネットワーク、必要ならプロキシ (--proxy または HTTPS_PROXY) を確認してから、もう一度お試しください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>A company CA&apos;s web server usually has a certificate from the company&apos;s own root: give that root with --ca-file (PEM), or install it in the system&apos;s trust store.</source>
        <translation>社内 CA の Web サーバーは通常、会社独自のルートから発行された証明書を使用しています。そのルートを --ca-file (PEM) で指定するか、システムの信頼ストアにインストールしてください。</translation>
    </message>
</context>
<context>
    <name>import_p12</name>
    <message>
        <location filename="../wizard/commands/import_p12.py" line="+37"/>
        <source>a password file</source>
        <translation>パスワードファイル</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Password of {file}: </source>
        <translation>{file} のパスワード: </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The password of {file} is needed: type it at the prompt, or use --password-file or {variable}.</source>
        <translation>{file} のパスワードが必要です。プロンプトで入力するか、--password-file または {variable} を使用してください。</translation>
    </message>
</context>
<context>
    <name>import_reply</name>
    <message>
        <location line="+26"/>
        <location filename="../wizard/commands/import_reply.py" line="+40"/>
        <source>Next: {command}</source>
        <translation>次の手順: {command}</translation>
    </message>
</context>
<context>
    <name>import_service_key</name>
    <message>
        <location filename="../wizard/commands/import_service_key.py" line="+34"/>
        <source>The key is stored encrypted in the profile; its passphrase is in the keyring. Next: {command}</source>
        <translation>鍵は暗号化してプロファイルに保存され、そのパスフレーズはキーリングにあります。次の手順: {command}</translation>
    </message>
</context>
<context>
    <name>json</name>
    <message>
        <location filename="../wizard/core/jsontext.py" line="+65"/>
        <source>nested more than {limit} levels deep</source>
        <translation>{limit} 階層を超えて入れ子になっています</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>a \u escape that is half of a character</source>
        <translation>文字の半分だけを表す \u エスケープ</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>a number too long to read</source>
        <translation>長すぎて読み取れない数値</translation>
    </message>
</context>
<context>
    <name>keys</name>
    <message>
        <location filename="../wizard/core/keys.py" line="+37"/>
        <source>{value!r} is not a key type this tool makes; choose one of {choices}.</source>
        <translation>{value!r} はこのツールで作成できる鍵タイプではありません。{choices} のいずれかを選択してください。</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>{source} cannot be decrypted with the stored passphrase. If you changed keyrings or machines, the passphrase is in the old keyring; otherwise generate a new key (csr --new-key) and request a new certificate.</source>
        <translation>{source} は保存されているパスフレーズで復号できません。キーリングまたはマシンを変更した場合、パスフレーズは以前のキーリングにあります。それ以外の場合は、新しい鍵を生成し (csr --new-key)、新しい証明書を要求してください。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{source} holds a {kind}; use RSA or EC.</source>
        <translation>{source} には {kind} が含まれています。RSA または EC を使用してください。</translation>
    </message>
</context>
<context>
    <name>language</name>
    <message>
        <location filename="../wizard/language.py" line="+125"/>
        <source>{code!r} is not a language of this program; use one of {codes}.</source>
        <translation>{code!r} はこのプログラムの言語ではありません。{codes} のいずれかを使用してください。</translation>
    </message>
</context>
<context>
    <name>lints</name>
    <message>
        <location filename="../wizard/core/lints.py" line="+39"/>
        <source>certificate for another key</source>
        <translation>別の鍵の証明書</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos;: this certificate belongs to another key; it was not issued for the CSR of {profile}. Import the certificate the CA issued for this CSR (compare subject and order number), or send this profile&apos;s CSR to the CA.</source>
        <translation>&apos;{subject}&apos;: この証明書は別の鍵のものであり、{profile} の CSR に対して発行されたものではありません。CA がこの CSR に対して発行した証明書をインポートする (サブジェクトと注文番号を確認してください) か、このプロファイルの CSR を CA に送付してください。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>self-signed certificate</source>
        <translation>自己署名証明書</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is self-signed: self-signed certificates never pass SAP&apos;s load balancer, which only forwards certificates that chain to a root on SAP&apos;s list. Send the CSR to a CA whose root is on SAP&apos;s list and import the certificate it returns.</source>
        <translation>&apos;{subject}&apos; は自己署名証明書です。SAP のロードバランサーは SAP のリストにあるルート証明書につながる証明書のみを転送するため、自己署名証明書は通過しません。ルート証明書が SAP のリストにある CA に CSR を送付し、返送された証明書をインポートしてください。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>chain cannot be completed</source>
        <translation>チェーンを完成できません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the chain cannot be completed: issuer &apos;{issuer}&apos; of &apos;{subject}&apos; was not found; add it with --ca-file or get the CA&apos;s bundle (intermediate and root certificates, usually on the CA&apos;s download page).{detail}</source>
        <translation>チェーンを完成できません: &apos;{subject}&apos; の発行者 &apos;{issuer}&apos; が見つかりません。--ca-file で追加するか、CA のバンドル (中間証明書とルート証明書。通常は CA のダウンロードページにあります) を入手してください。{detail}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>certificate not valid</source>
        <translation>証明書が無効です</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is not valid: {reason}. {fix}</source>
        <translation>&apos;{subject}&apos; は無効です: {reason}。{fix}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>validity date encoded as GeneralizedTime</source>
        <translation>有効期間の日付が GeneralizedTime でエンコードされています</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; encodes a validity date before 2050 as GeneralizedTime. RFC 5280 asks CAs for UTCTime there, but validators such as OpenSSL accept it (NIST PKITS 4.2.4), and so does this program: signatures and dates were checked. If a sender&apos;s TLS library refuses the certificate, ask the CA to issue it again.</source>
        <translation>&apos;{subject}&apos; は 2050 年より前の有効期間の日付を GeneralizedTime でエンコードしています。RFC 5280 では CA はここで UTCTime を使うことになっていますが、OpenSSL などの検証器は受け入れます (NIST PKITS 4.2.4)。このプログラムも受け入れます: 署名と日付は確認済みです。送信側の TLS ライブラリーがこの証明書を拒否する場合は、CA に再発行を依頼してください。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>CA certificate instead of a client certificate</source>
        <translation>クライアント証明書ではなく CA 証明書</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is a CA certificate (basicConstraints CA:TRUE), not a client certificate. Pick the certificate the CA issued for your CSR, not the CA&apos;s own.</source>
        <translation>&apos;{subject}&apos; は CA 証明書 (basicConstraints CA:TRUE) であり、クライアント証明書ではありません。CA 自身の証明書ではなく、CSR に対して CA が発行した証明書を選択してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>not for client authentication</source>
        <translation>クライアント認証用ではありません</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>key usage forbids signing</source>
        <translation>キー使用法で署名が禁止されています</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has a Key Usage without digitalSignature ({usages}), so it cannot sign the TLS handshake as a client. Ask the CA for a client-authentication certificate with Key Usage digitalSignature.</source>
        <translation>&apos;{subject}&apos; のキー使用法 (Key Usage) に digitalSignature が含まれていないため ({usages})、クライアントとして TLS ハンドシェイクに署名できません。キー使用法に digitalSignature を含むクライアント認証用証明書を CA に依頼してください。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>RSA key too short</source>
        <translation>RSA 鍵が短すぎます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has an RSA key of {bits} bits; at least 2048 are required. {fix}</source>
        <translation>&apos;{subject}&apos; の RSA 鍵は {bits} ビットです。2048 ビット以上が必要です。{fix}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>SHA-1 signature</source>
        <translation>SHA-1 署名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is signed with {algorithm}, which SAP&apos;s load balancer and current TLS libraries reject. {fix}</source>
        <translation>&apos;{subject}&apos; は {algorithm} で署名されており、SAP のロードバランサーと現在の TLS ライブラリーでは拒否されます。{fix}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>empty common name</source>
        <translation>コモンネームが空です</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has no common name (CN). SAP shows and maps client certificates by their CN: create a new CSR with --cn and have it signed again.</source>
        <translation>&apos;{subject}&apos; にはコモンネーム (CN) がありません。SAP はクライアント証明書を CN で表示・マッピングします。--cn を指定して新しい CSR を作成し、再度署名を受けてください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>common name with spaces at the ends</source>
        <translation>コモンネームの前後に空白があります</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the common name &apos;{cn}&apos; of &apos;{subject}&apos; has leading or trailing spaces, which make the mapping to a user fail. Create a new CSR with the CN trimmed and have it signed again.</source>
        <translation>&apos;{subject}&apos; のコモンネーム &apos;{cn}&apos; の先頭または末尾に空白があるため、ユーザーへのマッピングが失敗します。CN の前後の空白を取り除いて新しい CSR を作成し、再度署名を受けてください。</translation>
    </message>
    <message>
        <location line="-54"/>
        <source>no Extended Key Usage</source>
        <translation>拡張キー使用法 (EKU) なし</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>unusual key type</source>
        <translation>一般的でない鍵の種類</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; has a {key} key; SAP documents RSA (2048 bits or more) and EC P-256 or P-384 for client certificates. If the load balancer refuses it, create a new CSR with --key-type rsa-3072 or ec-p256.</source>
        <translation>&apos;{subject}&apos; の鍵は {key} です。SAP がクライアント証明書用に記載しているのは RSA (2048 ビット以上) と EC P-256/P-384 です。ロードバランサーに拒否された場合は、--key-type rsa-3072 または ec-p256 で新しい CSR を作成してください。</translation>
    </message>
    <message>
        <location line="-79"/>
        <source>&apos;{subject}&apos; has an Extended Key Usage without clientAuth ({usages}). SAP: &quot;The certificate must include the Client Authentication Extended Key Usage (EKU) with OID 1.3.6.1.5.5.7.3.2. Certificates without this EKU are rejected during the TLS handshake.&quot; Public TLS CAs stopped issuing clientAuth in their TLS/SSL server certificates in 2026, and SAP Integration Suite rejects client certificates without it. Ask the CA for a client-authentication certificate (Extended Key Usage clientAuth).</source>
        <translation>&apos;{subject}&apos; の拡張キー使用法 (Extended Key Usage) に clientAuth がありません ({usages})。SAP の記述: &quot;The certificate must include the Client Authentication Extended Key Usage (EKU) with OID 1.3.6.1.5.5.7.3.2. Certificates without this EKU are rejected during the TLS handshake.&quot;（証明書には OID 1.3.6.1.5.5.7.3.2 のクライアント認証 EKU が必要で、これがない証明書は TLS ハンドシェイクで拒否されます）。公開 TLS CA は 2026 年以降 TLS/SSL サーバー証明書に clientAuth を含めておらず、SAP Integration Suite は clientAuth のないクライアント証明書を拒否します。CA にクライアント認証用の証明書 (Extended Key Usage clientAuth) を依頼してください。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>&apos;{subject}&apos; has no Extended Key Usage, so it does not include clientAuth. RFC 5280 treats that as unrestricted, but SAP does not: &quot;The certificate must include the Client Authentication Extended Key Usage (EKU) with OID 1.3.6.1.5.5.7.3.2. Certificates without this EKU are rejected during the TLS handshake.&quot; Ask the CA for a client-authentication certificate (Extended Key Usage clientAuth).</source>
        <translation>&apos;{subject}&apos; には拡張キー使用法 (Extended Key Usage) がないため、clientAuth も含まれていません。RFC 5280 では制限なしと扱われますが、SAP は違います: &quot;The certificate must include the Client Authentication Extended Key Usage (EKU) with OID 1.3.6.1.5.5.7.3.2. Certificates without this EKU are rejected during the TLS handshake.&quot;（証明書には OID 1.3.6.1.5.5.7.3.2 のクライアント認証 EKU が必要で、これがない証明書は TLS ハンドシェイクで拒否されます）。CA にクライアント認証用の証明書 (Extended Key Usage clientAuth) を依頼してください。</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>root not confirmed by SAP&apos;s list</source>
        <translation>SAP のリストで確認できないルート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the root &apos;{subject}&apos; is not on {version}, so this tool cannot confirm that SAP&apos;s load balancer accepts it (not confirmed, not refused). That list is one source: the authoritative list is SAP Note 2801396 (needs an SAP login), and SAP&apos;s help pages name roots it lacks. Check the note or the acceptable-CA names the load balancer sends (fetch-root), and add roots with --sap-roots FILE.</source>
        <translation>ルート &apos;{subject}&apos; は {version} にないため、SAP のロードバランサーが受け入れるかどうかをこのツールでは確認できません（未確認であり、拒否ではありません）。このリストは情報源の一つです。正式なリストは SAP Note 2801396（SAP ログインが必要）で、SAP のヘルプページにはこのリストにないルートも記載されています。Note またはロードバランサーが送る受け入れ可能な CA 名 (fetch-root) を確認し、--sap-roots FILE でルートを追加してください。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>root not in SAP&apos;s current list</source>
        <translation>SAP の現行リストにないルート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the root &apos;{subject}&apos; was in earlier versions of SAP&apos;s BTP trust store but is not in {version}. SAP&apos;s Neo page of trusted root CAs (April 2026) still lists some of these roots, so whether the load balancer accepts it is not confirmed. Check SAP Note 2801396; a CA whose root is on the list avoids the question.</source>
        <translation>ルート &apos;{subject}&apos; は SAP の BTP Trust Store の以前のバージョンにはありましたが、{version} にはありません。SAP の Neo の信頼済みルート CA のページ（2026 年 4 月）にはこれらのルートの一部がまだ記載されているため、ロードバランサーが受け入れるかどうかは未確認です。SAP Note 2801396 を確認してください。ルートがリストにある CA を使えば、この問題は生じません。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>root not among the custom domain&apos;s trusted CAs</source>
        <translation>カスタムドメインの信頼済み CA にないルート</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the root &apos;{subject}&apos; is not among {version}. With a custom domain and a customer-managed trust model the load balancer accepts the CAs configured for that domain: add this root there (and to the file you gave), or use a certificate from a CA that is configured.</source>
        <translation>ルート &apos;{subject}&apos; は {version} に含まれていません。カスタムドメインと顧客管理の信頼モデルでは、ロードバランサーはそのドメインに設定された CA を受け入れます。このルートをそこ（および指定したファイル）に追加するか、設定済みの CA の証明書を使ってください。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>expires soon</source>
        <translation>まもなく期限切れ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; expires on {date} ({days} days left). Renew it now: new CSR, new certificate, then a new mapping entry (Neo) or service key (Cloud Foundry).</source>
        <translation>&apos;{subject}&apos; の有効期限は {date} です (残り {days} 日)。今すぐ更新してください: 新しい CSR と新しい証明書を用意し、新しいマッピングエントリ (Neo) またはサービスキー (Cloud Foundry) を作成します。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>renewal due</source>
        <translation>更新時期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is past two thirds of its lifetime ({days} of {total} days left, expires on {date}). Plan the renewal: new CSR, new certificate, new mapping entry (Neo) or service key (Cloud Foundry).</source>
        <translation>&apos;{subject}&apos; は有効期間の 3 分の 2 を過ぎています (残り {days} 日/全 {total} 日、有効期限 {date})。更新を計画してください: 新しい CSR、新しい証明書、新しいマッピングエントリ (Neo) またはサービスキー (Cloud Foundry) が必要です。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>certificate outlives its issuer</source>
        <translation>発行者より有効期間が長い証明書</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;{subject}&apos; is valid until {date}, but its issuer &apos;{issuer}&apos; expires on {issuer_date}: from then on the chain no longer validates and the load balancer drops it. Get the CA&apos;s renewed intermediate before that date, or renew the certificate earlier.</source>
        <translation>&apos;{subject}&apos; は {date} まで有効ですが、発行者 &apos;{issuer}&apos; は {issuer_date} に期限切れになります。その日以降はチェーンを検証できず、ロードバランサーに破棄されます。その日までに CA の更新済み中間証明書を入手するか、証明書を早めに更新してください。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>chain ends in Baltimore CyberTrust Root</source>
        <translation>チェーンの終端が Baltimore CyberTrust Root</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the chain ends in &apos;{subject}&apos;, which expired on {date}. It was the historic root of SAP&apos;s Neo load balancer and certificates depending on it no longer work. Get a new certificate from a CA whose root is on {version}.</source>
        <translation>チェーンの終端は &apos;{subject}&apos; で、{date} に有効期限が切れています。これは SAP の Neo ロードバランサーの旧ルートであり、これに依存する証明書はもう使用できません。ルート証明書が {version} にある CA から新しい証明書を入手してください。</translation>
    </message>
    <message>
        <location filename="../wizard/core/chain.py" line="+369"/>
        <source>No certificate was given. Import the file the CA sent back.</source>
        <translation>証明書が指定されていません。CA から返送されたファイルをインポートしてください。</translation>
    </message>
    <message>
        <location line="+53"/>
        <source> Accepted anyway because {flag} was given: SAP&apos;s load balancer will drop this certificate in the TLS handshake, so it cannot authenticate a sender to Cloud Integration.</source>
        <translation> {flag} が指定されたため受け入れました。SAP のロードバランサーは TLS ハンドシェイクでこの証明書を破棄するため、Cloud Integration への送信側の認証には使えません。</translation>
    </message>
    <message>
        <location line="+32"/>
        <location line="+298"/>
        <source> Also tried: {sources}.</source>
        <translation> 試行した取得元: {sources}。</translation>
    </message>
    <message>
        <location line="-289"/>
        <source>its signature does not verify with the key of &apos;{issuer}&apos; from {origin}, a different CA certificate with the same name</source>
        <translation>署名が {origin} から取得した &apos;{issuer}&apos; の鍵で検証できません (同じ名前の別の CA 証明書です)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Get the issuer certificate that belongs to this certificate from the CA (a renewed CA certificate has a new key).</source>
        <translation>この証明書に対応する発行者の証明書を CA から入手してください (更新された CA 証明書は鍵が変わっています)。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Ask the CA for a new certificate.</source>
        <translation>CA に新しい証明書を依頼してください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Get the current CA certificate from the CA (or its bundle).</source>
        <translation>CA から現在の CA 証明書 (またはそのバンドル) を入手してください。</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../wizard/core/prechecks.py" line="+195"/>
        <source>expired on {date}</source>
        <translation>{date} に有効期限切れ</translation>
    </message>
    <message>
        <location line="+4"/>
        <location filename="../wizard/core/prechecks.py" line="+3"/>
        <source>not valid before {date}</source>
        <translation>有効期間の開始は {date}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check the computer&apos;s clock, or wait until that date.</source>
        <translation>コンピューターの時刻を確認するか、その日付までお待ちください。</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Create a new CSR with --key-type rsa-3072 (or ec-p256) and have it signed again.</source>
        <translation>--key-type rsa-3072 (または ec-p256) で新しい CSR を作成し、再度署名を受けてください。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This CA is too weak for SAP; get the certificate from a different CA.</source>
        <translation>この CA は SAP の要件に対して強度が不足しています。別の CA から証明書を入手してください。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Ask the CA to issue it again with SHA-256.</source>
        <translation>SHA-256 で再発行するよう CA に依頼してください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The CA must give you a CA certificate signed with SHA-256, or use another CA.</source>
        <translation>SHA-256 で署名された CA 証明書を CA から入手するか、別の CA を使用してください。</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>its chain to &apos;{root}&apos; failed validation ({reason})</source>
        <translation>&apos;{root}&apos; までのチェーンの検証に失敗しました ({reason})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ask the CA for the correct chain, or for a new certificate.</source>
        <translation>正しいチェーン、または新しい証明書を CA に依頼してください。</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>no issuer led to a trusted root: </source>
        <translation>信頼済みルート証明書に至る発行者がありません: </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the certificate is not valid at this time</source>
        <translation>証明書はこの時点で有効ではありません</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>signature algorithm not allowed</source>
        <translation>許可されていない署名アルゴリズム</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>public key algorithm not allowed</source>
        <translation>許可されていない公開鍵アルゴリズム</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the required Extended Key Usage is missing</source>
        <translation>必要な拡張キー使用法 (Extended Key Usage) がありません</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the signature does not match</source>
        <translation>署名が一致しません</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>{host} sent no certificate.</source>
        <translation>{host} は証明書を送信しませんでした。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>the server&apos;s certificate &apos;{subject}&apos; is self-signed; trust it only if you know this server</source>
        <translation>サーバーの証明書 &apos;{subject}&apos; は自己署名です。このサーバーを把握している場合にのみ信頼してください</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>issuer &apos;{issuer}&apos; of &apos;{subject}&apos; was not found in the server&apos;s chain, {sources} or via AIA.</source>
        <translation>&apos;{subject}&apos; の発行者 &apos;{issuer}&apos; が、サーバーのチェーン、{sources}、AIA のいずれにも見つかりませんでした。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&apos;{subject}&apos; expired on {date}</source>
        <translation>&apos;{subject}&apos; は {date} に有効期限が切れています</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&apos;{subject}&apos; is valid from {date}</source>
        <translation>&apos;{subject}&apos; の有効期間は {date} からです</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the root &apos;{subject}&apos; came from the server itself and is in none of {sources}</source>
        <translation>ルート証明書 &apos;{subject}&apos; はサーバー自身から送られたもので、{sources} のいずれにも含まれていません</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>no trust store</source>
        <translation>トラストストアなし</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>invalid host name &apos;{host}&apos;</source>
        <translation>無効なホスト名 &apos;{host}&apos;</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the certificate is for {names}, not {host}</source>
        <translation>証明書は {host} ではなく {names} 用です</translation>
    </message>
</context>
<context>
    <name>mapping</name>
    <message>
        <location filename="../wizard/core/mapping.py" line="+63"/>
        <source>Profile {profile!r} has no certificate yet (state {state}). Import the CA&apos;s reply first: cpi-cert-wizard import-reply --profile {profile} FILE [FILE ...]</source>
        <translation>プロファイル {profile!r} にはまだ証明書がありません (状態 {state})。先に CA の応答をインポートしてください: cpi-cert-wizard import-reply --profile {profile} FILE [FILE ...]</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Profile {profile!r} is marked {state} but its certificate file {file} is missing. Import the CA&apos;s reply again: cpi-cert-wizard import-reply --profile {profile} FILE</source>
        <translation>プロファイル {profile!r} は {state} となっていますが、証明書ファイル {file} がありません。CA の応答を再度インポートしてください: cpi-cert-wizard import-reply --profile {profile} FILE</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} of profile {profile!r} holds no readable PEM certificate ({reason}). Import the CA&apos;s reply again: cpi-cert-wizard import-reply --profile {profile} FILE</source>
        <translation>プロファイル {profile!r} の {file} に読み取り可能な PEM 証明書がありません ({reason})。CA の応答を再度インポートしてください: cpi-cert-wizard import-reply --profile {profile} FILE</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} of profile {profile!r} starts with certificate SHA-256 {found}, but the profile records {recorded}. Import the CA&apos;s reply again so both agree: cpi-cert-wizard import-reply --profile {profile} FILE</source>
        <translation>プロファイル {profile!r} の {file} の先頭の証明書は SHA-256 {found} ですが、プロファイルには {recorded} が記録されています。両者を一致させるため、CA の応答を再度インポートしてください: cpi-cert-wizard import-reply --profile {profile} FILE</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The certificate of profile {profile!r} ({subject}) expired on {date}; the tenant refuses it. Renew it first: cpi-cert-wizard csr --profile {profile} --new-key …, have the CA sign the request, then import-reply.</source>
        <translation>プロファイル {profile!r} の証明書 ({subject}) は {date} に有効期限が切れており、テナントに拒否されます。先に更新してください: cpi-cert-wizard csr --profile {profile} --new-key … を実行し、CA に要求への署名を依頼してから import-reply を実行します。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Profile {profile!r} does not record whether the tenant runs on Neo or Cloud Foundry (cpi-cert-wizard fetch-root records it). Give --env neo or --env cf.</source>
        <translation>プロファイル {profile!r} には、テナントが Neo と Cloud Foundry のどちらで動作しているかが記録されていません (cpi-cert-wizard fetch-root で記録されます)。--env neo または --env cf を指定してください。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{value!r} is not an environment; use neo or cf.</source>
        <translation>{value!r} は環境ではありません。neo または cf を使用してください。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The user name is empty; give --user NAME (any name, up to 150 characters).</source>
        <translation>ユーザー名が空です。--user NAME を指定してください (任意の名前、150 文字以内)。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The user name {user!r} has leading or trailing spaces; the tenant compares it exactly. Remove them.</source>
        <translation>ユーザー名 {user!r} の先頭または末尾に空白があります。テナントは完全一致で比較するため、空白を削除してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The user name is {length} characters long; the tenant allows at most {limit}. Choose a shorter name.</source>
        <translation>ユーザー名が {length} 文字です。テナントで使用できるのは {limit} 文字までです。短い名前を選択してください。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The user name {user!r} contains a control character; remove it.</source>
        <translation>ユーザー名 {user!r} に制御文字が含まれています。削除してください。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The user name {user!r} contains a space; the tenant takes a user name without spaces (for example ERP_PRD_SENDER). Use &apos;_&apos; or &apos;-&apos; instead.</source>
        <translation>ユーザー名 {user!r} に空白が含まれています。テナントは空白のないユーザー名を受け付けます (例: ERP_PRD_SENDER)。代わりに &apos;_&apos; または &apos;-&apos; を使用してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{role!r} is not a valid role name: SAP allows only letters, digits, &apos;_&apos; and &apos;.&apos; (for example ESBMessaging.send); remove {bad}.</source>
        <translation>{role!r} は有効なロール名ではありません。SAP で使用できるのは英字、数字、&apos;_&apos;、&apos;.&apos; のみです (例: ESBMessaging.send)。{bad} を削除してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{what} {value!r} may use only letters, digits, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;, starting with a letter or digit, so the cf command can be pasted as it is.</source>
        <translation>{what} {value!r} に使用できるのは英字、数字、&apos;.&apos;、&apos;_&apos;、&apos;-&apos; のみで、先頭は英字または数字にする必要があります (cf コマンドをそのまま貼り付けられるようにするため)。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The service key validity must be a whole number of days above 0, not {value}.</source>
        <translation>サービスキーの有効期間は 0 より大きい整数の日数で指定してください ({value} は指定できません)。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The tenant compares the whole certificate, serial number included: a renewed or re-issued certificate needs a new mapping entry (keep the same user so its roles stay).</source>
        <translation>テナントはシリアル番号を含めて証明書全体を比較します。更新または再発行した証明書には新しいマッピングエントリが必要です (ロールを引き継ぐため、同じユーザーを使用してください)。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>A certificate may sit in exactly one service key across all service instances; a second key with the same certificate makes calls fail with &apos;invalid_client … the client certificate is not configured exactly once in a service key&apos;.</source>
        <translation>1 つの証明書を登録できるのは、すべてのサービスインスタンスを通じて 1 つのサービスキーのみです。同じ証明書で 2 つ目のキーを作成すると、呼び出しが &apos;invalid_client … the client certificate is not configured exactly once in a service key&apos; で失敗します。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Pin Certificate is on by default: only this exact certificate is accepted, so a renewed certificate needs a new service key (then delete the old one).</source>
        <translation>Pin Certificate はデフォルトでオンです。この証明書そのものしか受け入れられないため、更新した証明書には新しいサービスキーが必要です (その後、古いキーを削除してください)。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Role changes on the service instance can take up to an hour to take effect; a 403 right after a change may only be that.</source>
        <translation>サービスインスタンスのロールの変更が反映されるまで、最大 1 時間かかることがあります。変更直後の 403 はそれだけが原因の場合があります。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{role} is not a role for sending messages: roles like AuthGroup.Administrator, and the roles of the application ending in &apos;provision&apos;, let a user manage the tenant, not call integration flows. A sender needs ESBMessaging.send (or a custom role) on the runtime: Neo: the application ending in &apos;iflmap&apos;; Cloud Foundry: the integration-flow service instance.</source>
        <translation>{role} はメッセージ送信用のロールではありません。AuthGroup.Administrator のようなロールや、名前が &apos;provision&apos; で終わるアプリケーションのロールは、テナントの管理用であり、統合フローの呼び出しには使えません。送信側にはランタイム上の ESBMessaging.send（またはカスタムロール）が必要です。Neo: 名前が &apos;iflmap&apos; で終わるアプリケーション、Cloud Foundry: integration-flow のサービスインスタンスです。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>--validity does not apply to an External Certificate service key: SAP documents the validity only for keys of type Certificate (SAP generates the key pair); an external certificate is valid as long as the certificate itself.</source>
        <translation>--validity は External Certificate のサービスキーには適用されません。SAP が有効期間を記載しているのは Certificate タイプのキー（SAP がキーペアを生成）だけです。外部証明書は証明書自体の有効期間だけ有効です。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The tenant is reached through the custom domain {domain}, with a customer-managed trust model: the load balancer of that domain accepts the CAs configured for it, so SAP&apos;s root list does not judge this chain; {cas}.</source>
        <translation>テナントにはカスタムドメイン {domain}（顧客管理の信頼モデル）経由で接続します。このドメインのロードバランサーはドメインに設定された CA を受け入れるため、SAP のルートリストではこのチェーンを判定しません。{cas}。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the chain is judged against the CAs in {file}</source>
        <translation>チェーンは {file} の CA に対して判定されます</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>give the CAs configured for the domain with --custom-domain-cas FILE so the chain can be judged against them</source>
        <translation>チェーンを判定できるよう、ドメインに設定された CA を --custom-domain-cas FILE で指定してください</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Custom domain {domain} (SAP Custom Domain service; SAP&apos;s documentation of that service has the exact steps, this tool does not confirm them): map the domain to the Cloud Integration runtime, configure TLS for it with client authentication and the trusted CA certificates of your senders (customer-managed trust; include the CA of this certificate: {issuer}), point DNS at it, then let senders call https://{domain}/http/&lt;address&gt;.</source>
        <translation>カスタムドメイン {domain}（SAP Custom Domain サービス。正確な手順はこのサービスの SAP ドキュメントにあり、このツールでは確認していません）: ドメインを Cloud Integration のランタイムに割り当て、クライアント認証と送信側の信頼済み CA 証明書で TLS を設定し（顧客管理の信頼。この証明書の CA {issuer} を含めてください）、DNS を向けてから、送信側に https://{domain}/http/&lt;address&gt; を呼び出させてください。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Trial tenants do not support certificate login at all; use a paid tenant.</source>
        <translation>トライアルテナントは証明書によるログインを一切サポートしていません。有償のテナントを使用してください。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Do not add the deprecated grant type client_x509 to the instance: it blocks creating new service keys. Keep grant-types at client_credentials.</source>
        <translation>非推奨のグラントタイプ client_x509 をインスタンスに追加しないでください。新しいサービスキーを作成できなくなります。grant-types は client_credentials のままにしてください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The certificate is valid only from {date}; calls with it fail until then.</source>
        <translation>この証明書は {date} 以降にのみ有効です。それまでは、この証明書を使用した呼び出しは失敗します。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The certificate expires on {date} ({days} days left); plan its renewal now: {renewal_how}</source>
        <translation>証明書の有効期限は {date} です (残り {days} 日)。今すぐ更新を計画してください: {renewal_how}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>on Neo that means a new mapping entry.</source>
        <translation>Neo では新しいマッピングエントリが必要です。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>on Cloud Foundry that means a new service key.</source>
        <translation>Cloud Foundry では新しいサービスキーが必要です。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This certificate replaces an earlier one. The tenant matches the whole certificate, so the old mapping entry does not cover it: add the new entry (this run&apos;s files) for user {user}, and delete the old entry once the sender uses the new certificate.
  old SHA-256: {old}
  new SHA-256: {new}</source>
        <translation>この証明書は以前の証明書を置き換えるものです。テナントは証明書全体で照合するため、古いマッピングエントリではこの証明書は対象外です。ユーザー {user} に新しいエントリ (今回のファイル) を追加し、送信側が新しい証明書を使い始めたら古いエントリを削除してください。
  旧 SHA-256: {old}
  新 SHA-256: {new}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>This certificate replaces an earlier one. With pinning on (the default) the old service key does not accept it: create the new key (this run&apos;s service-key.json), switch the sender, then delete the old key.
  old SHA-256: {old}
  new SHA-256: {new}</source>
        <translation>この証明書は以前の証明書を置き換えるものです。ピン留めがオン (デフォルト) の場合、古いサービスキーはこの証明書を受け入れません。新しいキーを作成し (今回の service-key.json)、送信側を切り替えてから、古いキーを削除してください。
  旧 SHA-256: {old}
  新 SHA-256: {new}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cloud Integration → Monitor → Manage Security → Certificate-to-User Mappings → Add: user {user}, certificate {cer} (or let this tool publish it with --publish). The tenant will show Id {id}.</source>
        <translation>Cloud Integration → Monitor → Manage Security → Certificate-to-User Mappings → Add: ユーザー {user}、証明書 {cer} (または --publish でこのツールから公開)。テナントには Id {id} と表示されます。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Create the custom role {role}: SAP BTP cockpit → your Neo subaccount → Applications → Subscriptions → the application ending in &apos;iflmap&apos; → Roles → New Role.</source>
        <translation>カスタムロール {role} を作成します: SAP BTP cockpit → 該当の Neo サブアカウント → Applications → Subscriptions → &apos;iflmap&apos; で終わるアプリケーション → Roles → New Role。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Give user {user} the role {role}: SAP BTP cockpit → your Neo subaccount → Security → Authorizations → User {user} → Show Assignments → Assign → the application ending in &apos;iflmap&apos; → role {role}.</source>
        <translation>ユーザー {user} にロール {role} を割り当てます: SAP BTP cockpit → 該当の Neo サブアカウント → Security → Authorizations → User {user} → Show Assignments → Assign → &apos;iflmap&apos; で終わるアプリケーション → ロール {role}。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Log in to the Cloud Foundry space of the subaccount that holds Cloud Integration: cf login -a &lt;API endpoint from the subaccount overview&gt;, then cf target -o &lt;org&gt; -s &lt;space&gt;.</source>
        <translation>Cloud Integration を含むサブアカウントの Cloud Foundry スペースにログインします: cf login -a &lt;サブアカウントの概要に表示される API エンドポイント&gt;、次に cf target -o &lt;org&gt; -s &lt;space&gt;。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Create the Process Integration Runtime instance {instance} (plan integration-flow) with the roles {roles} from {file}. Skip this if an instance with these roles exists already; then pass its name with --instance. In the cockpit: Instances and Subscriptions → Create.</source>
        <translation>Process Integration Runtime インスタンス {instance} (プラン integration-flow) を、{file} のロール {roles} で作成します。これらのロールを持つインスタンスが既にある場合はこの手順を省略し、その名前を --instance で指定してください。コックピットでは: Instances and Subscriptions → Create。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Create the service key {key} with the certificate from {file} (key type External Certificate; in the cockpit: the instance → Create Service Key → upload {pem}, the leaf only, never the chain).</source>
        <translation>{file} の証明書でサービスキー {key} を作成します (キータイプ External Certificate。コックピットでは: インスタンス → Create Service Key → {pem} をアップロード。リーフ証明書のみで、チェーンは含めないでください)。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>In the integration flow&apos;s sender channel: Authorization = User Role, user role {roles}; deploy the flow.</source>
        <translation>統合フローの送信側チャネルで Authorization = User Role、ユーザーロール {roles} を設定し、フローをデプロイします。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Call the endpoint: cpi-cert-wizard test-call --profile {profile}. In Monitor → System Log Files → http_access_&lt;node&gt;_&lt;date&gt;.log the user field shows {before} while the certificate reaches the tenant but is not yet mapped, {after} once it works, and &apos;-&apos; when no certificate arrived at all (send the whole chain).</source>
        <translation>エンドポイントを呼び出します: cpi-cert-wizard test-call --profile {profile}。Monitor → System Log Files → http_access_&lt;node&gt;_&lt;date&gt;.log のユーザー欄には、証明書がテナントに届いているがまだマッピングされていない間は {before}、正常に動作すると {after}、証明書がまったく届いていない場合は &apos;-&apos; (チェーン全体を送信してください) が表示されます。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the service key&apos;s clientid (see: cf service-key {instance} {key})</source>
        <translation>サービスキーの clientid (参照: cf service-key {instance} {key})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Second option, not recommended by SAP: the certificate is part of the integration flow, so every certificate change (each renewal, a new issuing CA) means editing the flow and redeploying it, and calls with the new certificate fail until then (downtime). The recommended option is {recommended}: cpi-cert-wizard mapping --profile {profile}</source>
        <translation>2 つ目の方法 (SAP は非推奨): 証明書が統合フローの一部になるため、証明書を変更する (更新のたび、発行 CA の変更時など) たびにフローを編集して再デプロイする必要があり、それまでは新しい証明書での呼び出しが失敗します (ダウンタイム)。推奨される方法は「{recommended}」です: cpi-cert-wizard mapping --profile {profile}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>With this option the tenant checks only the certificate&apos;s subject and issuer DN (SAP: &quot;Tenant checks the permissions of the sender by evaluating the certificate&apos;s subject/issuer distinguished name (DN)&quot;): any certificate the same CA issues with the same subject passes, not only this one.</source>
        <translation>このオプションでは、テナントは証明書のサブジェクト DN と発行者 DN だけを確認します（SAP: &quot;Tenant checks the permissions of the sender by evaluating the certificate&apos;s subject/issuer distinguished name (DN)&quot;）。同じ CA が同じサブジェクトで発行した証明書はすべて通り、この証明書に限りません。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>a Certificate-to-User Mapping</source>
        <translation>証明書とユーザーのマッピング</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a service key holding the certificate</source>
        <translation>証明書を保持するサービスキー</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>To renew without refusing calls: add the new certificate to the channel next to the old one and redeploy, switch the sender to the new certificate, then remove the old one and redeploy again.</source>
        <translation>呼び出しを拒否せずに更新するには: 新しい証明書をチャネルに古い証明書と並べて追加して再デプロイし、送信側を新しい証明書に切り替えてから、古い証明書を削除して再度デプロイします。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The {which} DN holds attribute types ({names}) that not every program knows by these names; if the channel does not take the typed DN, upload {crt} instead.</source>
        <translation>{which} DN には、すべてのプログラムがこの名前で認識するとは限らない属性タイプ ({names}) が含まれています。チャネルが入力した DN を受け付けない場合は、代わりに {crt} をアップロードしてください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cloud Foundry: SAP documents certificate login through a service key of the Process Integration Runtime; whether a call also needs one when the channel checks the certificate itself is not confirmed. If the test call gets 401, create the External Certificate service key as well: cpi-cert-wizard mapping --profile {profile} --env cf</source>
        <translation>Cloud Foundry: SAP は Process Integration Runtime のサービスキーによる証明書ログインを記載していますが、チャネル自体が証明書を確認する場合にもサービスキーが必要かどうかは確認されていません。テスト呼び出しで 401 が返る場合は、External Certificate サービスキーも作成してください: cpi-cert-wizard mapping --profile {profile} --env cf</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>here that means the new certificate in the flow and a redeploy.</source>
        <translation>この場合は、フローへの新しい証明書の追加と再デプロイが必要です。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This certificate replaces an earlier one. The channel accepts only the certificates in its list: add this one ({crt}) next to the old one, redeploy, switch the sender, then remove the old one and redeploy again.
  old SHA-256: {old}
  new SHA-256: {new}</source>
        <translation>この証明書は以前の証明書を置き換えるものです。チャネルはリストにある証明書のみを受け入れます。この証明書 ({crt}) を古い証明書と並べて追加して再デプロイし、送信側を切り替えてから、古い証明書を削除して再度デプロイしてください。
  旧 SHA-256: {old}
  新 SHA-256: {new}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Open the integration flow (Design), select the sender channel (HTTPS, SOAP, IDoc, AS2 …) → Connection → Authorization = Client Certificate → Add → Select {crt}; or, in the same dialog, type the Subject DN and Issuer DN exactly as printed.</source>
        <translation>統合フローを開き (Design)、送信側チャネル (HTTPS、SOAP、IDoc、AS2 …) を選択して Connection → Authorization = Client Certificate → Add → Select {crt} を実行します。または同じダイアログで、Subject DN と Issuer DN を表示されているとおり正確に入力します。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Save and deploy the integration flow; the channel knows the certificate only once the flow runs again.</source>
        <translation>統合フローを保存してデプロイします。チャネルが証明書を認識するのは、フローが再び稼働してからです。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Call the endpoint: cpi-cert-wizard test-call --profile {profile}. A 403 whose default trace (ljs_trace_&lt;node&gt;_&lt;date&gt;.log) says the subject and issuer are not contained in the accepted subjectAndIssuers list means the channel&apos;s list lacks this certificate: compare the DNs (cpi-cert-wizard analyze-log reads the trace).</source>
        <translation>エンドポイントを呼び出します: cpi-cert-wizard test-call --profile {profile}。403 が返り、デフォルトトレース (ljs_trace_&lt;node&gt;_&lt;date&gt;.log) に「サブジェクトと発行者が受け入れ可能な subjectAndIssuers リストに含まれていない」と記録されている場合は、チャネルのリストにこの証明書がありません。DN を比較してください (cpi-cert-wizard analyze-log でトレースを読み取れます)。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Cloud Integration → Monitor → Manage Security → Certificate-to-User Mappings → Add: user {user}, certificate {cer} (or let the wizard publish it on this page). The tenant will show Id {id}.</source>
        <translation>Cloud Integration → Monitor → Manage Security → Certificate-to-User Mappings → Add: ユーザー {user}、証明書 {cer} (このページでウィザードに証明書とユーザーのマッピングを公開させることもできます)。テナントには Id {id} と表示されます。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Create the Process Integration Runtime instance {instance} (plan integration-flow) with the roles {roles} from {file}. Skip this if an instance with these roles exists already and give its name on this page. In the cockpit: Instances and Subscriptions → Create.</source>
        <translation>{file} のロール {roles} を持つ Process Integration Runtime インスタンス {instance} (プラン integration-flow) を作成します。これらのロールを持つインスタンスが既にある場合は作成せず、このページでその名前を入力してください。コックピットでは Instances and Subscriptions → Create です。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Call the endpoint on the next page (Test call). In Monitor → System Log Files → http_access_&lt;node&gt;_&lt;date&gt;.log the user field shows {before} while the certificate reaches the tenant but is not yet mapped, {after} once it works, and &apos;-&apos; when no certificate arrived at all (send the whole chain).</source>
        <translation>次のページ (テスト呼び出し) でエンドポイントを呼び出します。Monitor → System Log Files → http_access_&lt;node&gt;_&lt;date&gt;.log のユーザー欄は、証明書がテナントに届いたもののまだマッピングされていない間は {before}、動作すると {after}、証明書がまったく届かなかったときは &apos;-&apos; になります (チェーン全体を送信してください)。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Call the endpoint on the next page (Test call). A 403 whose default trace (ljs_trace_&lt;node&gt;_&lt;date&gt;.log) says the subject and issuer are not contained in the accepted subjectAndIssuers list means the channel&apos;s list lacks this certificate: compare the DNs.</source>
        <translation>次のページ (テスト呼び出し) でエンドポイントを呼び出します。403 が返り、デフォルトトレース (ljs_trace_&lt;node&gt;_&lt;date&gt;.log) にサブジェクトと発行者が受け入れ済みの subjectAndIssuers リストにないと書かれている場合は、チャネルのリストにこの証明書がありません。DN を比較してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Second option, not recommended by SAP: the certificate is part of the integration flow, so every certificate change (each renewal, a new issuing CA) means editing the flow and redeploying it, and calls with the new certificate fail until then (downtime). The recommended option is {recommended}, on this page.</source>
        <translation>SAP が推奨しない 2 つ目の方法です。証明書が統合フローの一部になるため、証明書が変わるたび (更新のたび、発行 CA が変わったとき) にフローを編集して再デプロイする必要があり、それまで新しい証明書での呼び出しは失敗します (停止時間)。推奨される方法はこのページの {recommended} です。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cloud Foundry: SAP documents certificate login through a service key of the Process Integration Runtime; whether a call also needs one when the channel checks the certificate itself is not confirmed. If the test call gets 401, create the External Certificate service key as well (the Cloud Foundry choice on this page).</source>
        <translation>Cloud Foundry: SAP は Process Integration Runtime のサービスキーによる証明書ログインを文書化しています。チャネルが証明書を自分で確認する場合にも呼び出しにサービスキーが必要かどうかは確認されていません。テスト呼び出しが 401 になった場合は、External Certificate のサービスキーも作成してください (このページの Cloud Foundry の選択肢)。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Profile {profile!r} does not record whether the tenant runs on Neo or Cloud Foundry: choose the environment on the first step.</source>
        <translation>プロファイル {profile!r} には、テナントが Neo と Cloud Foundry のどちらで動いているかが記録されていません。最初のステップで環境を選んでください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} has no certificate yet (state {state}). Import the CA&apos;s reply first on the step &apos;Signed certificate&apos;.</source>
        <translation>プロファイル {profile!r} にはまだ証明書がありません (状態 {state})。先に「署名済み証明書」のステップで CA の応答をインポートしてください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} is marked {state} but its certificate file {file} is missing. Import the CA&apos;s reply again on the step &apos;Signed certificate&apos;.</source>
        <translation>プロファイル {profile!r} は {state} とされていますが、証明書ファイル {file} がありません。「署名済み証明書」のステップで CA の応答をもう一度インポートしてください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} of profile {profile!r} holds no readable PEM certificate ({reason}). Import the CA&apos;s reply again on the step &apos;Signed certificate&apos;.</source>
        <translation>プロファイル {profile!r} の {file} には読み取れる PEM 証明書がありません ({reason})。「署名済み証明書」のステップで CA の応答をもう一度インポートしてください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} of profile {profile!r} starts with certificate SHA-256 {found}, but the profile records {recorded}. Import the CA&apos;s reply again on the step &apos;Signed certificate&apos; so both agree.</source>
        <translation>プロファイル {profile!r} の {file} は SHA-256 {found} の証明書で始まっていますが、プロファイルには {recorded} と記録されています。両者が一致するよう、「署名済み証明書」のステップで CA の応答をもう一度インポートしてください。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The certificate of profile {profile!r} ({subject}) expired on {date}; the tenant refuses it. Renew it first: make a new key and request on the step &apos;Key and certificate request&apos;, have the CA sign it, then import the reply.</source>
        <translation>プロファイル {profile!r} の証明書 ({subject}) は {date} に期限切れになり、テナントに拒否されます。先に更新してください。「鍵と証明書署名要求」のステップで新しい鍵と要求を作成し、CA に署名してもらってから応答をインポートします。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The user name is empty; give the user the certificate maps to (any name, up to 150 characters).</source>
        <translation>ユーザー名が空です。証明書をマッピングするユーザーを指定してください (任意の名前、150 文字以内)。</translation>
    </message>
    <message>
        <location line="+224"/>
        <source>nothing (the name is empty)</source>
        <translation>なし (名前が空です)</translation>
    </message>
    <message>
        <location line="+161"/>
        <source>The instance name</source>
        <translation>インスタンス名</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The key name</source>
        <translation>キー名</translation>
    </message>
    <message>
        <location line="+170"/>
        <source>Subject</source>
        <translation>サブジェクト</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Issuer</source>
        <translation>発行者</translation>
    </message>
    <message>
        <location line="+100"/>
        <source>--out {out} is a file; give a folder.</source>
        <translation>--out {out} はファイルです。フォルダーを指定してください。</translation>
    </message>
    <message>
        <location filename="../wizard/commands/mapping.py" line="+54"/>
        <source>upload in Certificate-to-User Mappings</source>
        <translation>Certificate-to-User Mappings でアップロード</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>body for POST /api/v1/CertificateUserMappings</source>
        <translation>POST /api/v1/CertificateUserMappings の本文</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>parameters of cf create-service</source>
        <translation>cf create-service のパラメーター</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>parameters of cf create-service-key</source>
        <translation>cf create-service-key のパラメーター</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the leaf certificate, for the cockpit&apos;s upload</source>
        <translation>リーフ証明書 (コックピットでのアップロード用)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>upload in the sender channel: Authorization = Client Certificate → Add → Select</source>
        <translation>送信側チャネルでアップロード: Authorization = Client Certificate → Add → Select</translation>
    </message>
    <message>
        <location line="+94"/>
        <source>{flags} is for the mapping or service key; with --flow-certificate the integration flow itself checks the certificate (no user, no role). Drop it, or drop --flow-certificate.</source>
        <translation>{flags} はマッピングまたはサービスキー用です。--flow-certificate を指定すると、統合フロー自体が証明書をチェックします (ユーザーもロールも使用しません)。このオプションを外すか、--flow-certificate を外してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{flags} are for the mapping or service key; with --flow-certificate the integration flow itself checks the certificate (no user, no role). Drop them, or drop --flow-certificate.</source>
        <translation>{flags} はマッピングまたはサービスキー用です。--flow-certificate を指定すると、統合フロー自体が証明書をチェックします (ユーザーもロールも使用しません)。これらのオプションを外すか、--flow-certificate を外してください。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>{flags} is for Cloud Foundry service keys; drop it for Neo.</source>
        <translation>{flags} は Cloud Foundry のサービスキー用です。Neo では外してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>--user is for Neo mappings; on Cloud Foundry the service key&apos;s clientid is the user.</source>
        <translation>--user は Neo のマッピング用です。Cloud Foundry ではサービスキーの clientid がユーザーになります。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>{flags} only work with --publish.</source>
        <translation>{flags} は --publish と併用した場合にのみ使用できます。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>--publish is for Neo (the CertificateUserMappings API); on Cloud Foundry run the printed cf commands instead.</source>
        <translation>--publish は Neo 用です (CertificateUserMappings API)。Cloud Foundry では、代わりに表示された cf コマンドを実行してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>--publish needs --tmn https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</source>
        <translation>--publish には --tmn https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com が必要です。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>--publish needs exactly one of --tmn-user USER (basic authentication) or --tmn-client-id ID with --tmn-token-url URL (OAuth client credentials).</source>
        <translation>--publish には、--tmn-user USER (基本認証) と、--tmn-client-id ID および --tmn-token-url URL (OAuth クライアント資格情報) のどちらか一方だけを指定する必要があります。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>--tmn-client-id needs --tmn-token-url (the subaccount&apos;s OAuth token endpoint, …/oauth2/api/v1/token).</source>
        <translation>--tmn-client-id には --tmn-token-url (サブアカウントの OAuth トークンエンドポイント、…/oauth2/api/v1/token) が必要です。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>--tmn-token-url only works with --tmn-client-id.</source>
        <translation>--tmn-token-url は --tmn-client-id と併用した場合にのみ使用できます。</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>{message} The stored secret was removed from the keyring; run again to enter the right one.</source>
        <translation>{message} 保存されていたシークレットはキーリングから削除しました。もう一度実行して正しいシークレットを入力してください。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>secret from the keyring ({keyring})</source>
        <translation>キーリング ({keyring}) のシークレット</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>secret from {variable} (not stored)</source>
        <translation>{variable} のシークレット (保存なし)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>secret stored in {place}</source>
        <translation>{place} に保存したシークレット</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>secret not stored (no keyring); you will be asked again</source>
        <translation>シークレットは保存されていません (キーリングなし)。再度入力を求められます</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>--custom-domain-cas needs --custom-domain HOST.</source>
        <translation>--custom-domain-cas には --custom-domain HOST が必要です。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>the trusted CAs of the custom domain</source>
        <translation>カスタムドメインの信頼済み CA</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Publishing the mapping for {user!r} to {tmn} …</source>
        <translation>{user!r} のマッピングを {tmn} に公開しています…</translation>
    </message>
    <message>
        <location line="+87"/>
        <source>Certificate: {subject}</source>
        <translation>証明書: {subject}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  issued by {issuer}, valid until {until} UTC</source>
        <translation>  発行者 {issuer}、有効期限 {until} UTC</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>  (also kept in the profile folder {folder})</source>
        <translation>  (プロファイルフォルダー {folder} にも保存されています)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Renewal:</source>
        <translation>更新:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Mind:</source>
        <translation>注意:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Checklist:</source>
        <translation>チェックリスト:</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Tenant entry for profile {profile} ({environment})</source>
        <translation>プロファイル {profile} のテナントエントリ ({environment})</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>User: {user}    Roles: {roles}</source>
        <translation>ユーザー: {user}    ロール: {roles}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mapping Id the tenant assigns: {id}</source>
        <translation>テナントが割り当てるマッピング ID: {id}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Service instance: {instance}    Roles: {roles}</source>
        <translation>サービスインスタンス: {instance}    ロール: {roles}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Service key: {key} (External Certificate)</source>
        <translation>サービスキー: {key}（External Certificate）</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+118"/>
        <source>Files in {folder}:</source>
        <translation>{folder} 内のファイル:</translation>
    </message>
    <message>
        <location line="-110"/>
        <source>Published: Id {id}, user {user}, valid until {until} UTC ({note}).</source>
        <translation>公開しました: ID {id}、ユーザー {user}、有効期限 {until} UTC ({note})。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>  note: the tenant&apos;s Id differs from the MD5 of the certificate ({id}); check the entry in the tenant.</source>
        <translation>  注: テナントの ID が証明書の MD5 ({id}) と異なります。テナントのエントリを確認してください。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>  (run the cf commands in that folder: cd {folder})</source>
        <translation>  (cf コマンドはそのフォルダーで実行してください: cd {folder})</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>Certificate in the integration flow for profile {profile} ({environment}): the second option, not recommended</source>
        <translation>プロファイル {profile} の統合フロー内の証明書 ({environment}): 2 番目の方法 (非推奨)</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Or type them into the same dialog (Add → Subject DN and Issuer DN), exactly as here:</source>
        <translation>または、同じダイアログ (Add → Subject DN と Issuer DN) に、ここに示すとおり正確に入力してください:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>  Subject DN: {dn}</source>
        <translation>  Subject DN: {dn}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  Issuer DN:  {dn}</source>
        <translation>  Issuer DN:  {dn}</translation>
    </message>
</context>
<context>
    <name>neo_api</name>
    <message>
        <location filename="../wizard/core/neo_api.py" line="-32"/>
        <source>{tmn!r} is not an https URL of the tenant&apos;s management host; give https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</source>
        <translation>{tmn!r} はテナントの管理ホストの https URL ではありません。https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com を指定してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} is the runtime (iflmap) host; the API lives on the management host https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com.</source>
        <translation>{host} はランタイム (iflmap) ホストです。API は管理ホスト https://&lt;account&gt;-tmn.hci.&lt;region&gt;.hana.ondemand.com にあります。</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>The token URL {url!r} must be an https URL (the OAuth token endpoint of the subaccount, …/oauth2/api/v1/token).</source>
        <translation>トークン URL {url!r} は https URL (サブアカウントの OAuth トークンエンドポイント、…/oauth2/api/v1/token) である必要があります。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The token endpoint {url} refused client {client!r} (HTTP {status}). Check the client id and its secret.</source>
        <translation>トークンエンドポイント {url} がクライアント {client!r} を拒否しました (HTTP {status})。クライアント ID とそのシークレットを確認してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+1"/>
        <source>the token request</source>
        <translation>トークン要求</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{url} answered without an access_token; is it the OAuth token endpoint?</source>
        <translation>{url} は access_token なしで応答しました。OAuth トークンエンドポイントで間違いありませんか?</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>another page</source>
        <translation>別のページ</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{url} answered {what} with a redirect to {target} (HTTP {status}), usually a login page: check that the URL is the tenant&apos;s tmn host and that this user may log in with a password (or use --tmn-client-id).</source>
        <translation>{url} は{what}に対して {target} へのリダイレクトで応答しました (HTTP {status})。通常はログインページです。URL がテナントの tmn ホストであること、およびこのユーザーがパスワードでログインできることを確認してください (または --tmn-client-id を使用してください)。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{url} answered {what} with HTTP {status}: {snippet}</source>
        <translation>{url} は{what}に対して HTTP {status} で応答しました: {snippet}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{url} answered {what} with HTTP {status}.</source>
        <translation>{url} は{what}に対して HTTP {status} で応答しました。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The tenant {host} refused the credentials of user {name!r} (HTTP 401). Check the name and its secret.</source>
        <translation>テナント {host} がユーザー {name!r} の資格情報を拒否しました (HTTP 401)。名前とそのシークレットを確認してください。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The tenant {host} refused the credentials of OAuth client {name!r} (HTTP 401). Check the name and its secret.</source>
        <translation>テナント {host} が OAuth クライアント {name!r} の資格情報を拒否しました (HTTP 401)。名前とそのシークレットを確認してください。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>{url} does not exist (HTTP 404). Give the Neo tenant&apos;s management host (…-tmn.hci.…); Cloud Foundry tenants have no certificate-to-user mappings.</source>
        <translation>{url} は存在しません (HTTP 404)。Neo テナントの管理ホスト (…-tmn.hci.…) を指定してください。Cloud Foundry のテナントには証明書とユーザーのマッピングはありません。</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>{host} refused {name!r} access to the API (HTTP 403). Give that user the permission CertificateUserMappings.Write.</source>
        <translation>{host} が {name!r} による API へのアクセスを拒否しました (HTTP 403)。そのユーザーに権限 CertificateUserMappings.Write を付与してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the CSRF token request</source>
        <translation>CSRF トークン要求</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> The answer was an HTML page, probably a login page.</source>
        <translation> 応答は HTML ページで、おそらくログインページです。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{host} did not hand out a CSRF token (HTTP {status} to &apos;X-CSRF-Token: Fetch&apos;), so it would refuse the POST with 403.{page} Check that the URL is the tenant&apos;s tmn host and that no proxy or single sign-on page is in between.</source>
        <translation>{host} は CSRF トークンを発行しませんでした (&apos;X-CSRF-Token: Fetch&apos; に対して HTTP {status})。このため POST は 403 で拒否されます。{page} URL がテナントの tmn ホストであること、および間にプロキシやシングルサインオンのページが入っていないことを確認してください。</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>{host} refused the POST because the CSRF token or the session cookie was not accepted (HTTP 403, X-CSRF-Token: Required). A proxy may be dropping cookies; try again without it.</source>
        <translation>{host} は CSRF トークンまたはセッション Cookie を受け付けなかったため、POST を拒否しました (HTTP 403、X-CSRF-Token: Required)。プロキシが Cookie を破棄している可能性があります。プロキシを使用せずにもう一度実行してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} refused to store the mapping for {name!r} (HTTP 403). That user needs the permission CertificateUserMappings.Write.</source>
        <translation>{host} が {name!r} のマッピングの保存を拒否しました (HTTP 403)。そのユーザーには権限 CertificateUserMappings.Write が必要です。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the mapping</source>
        <translation>マッピング</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+1"/>
        <source>the read-back</source>
        <translation>確認のための読み取り</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>After the POST, {host} lists no mapping with Id {id} for user {user!r} (entries found: {ids}). Check Certificate-to-User Mappings in the tenant.</source>
        <translation>POST の後、{host} にはユーザー {user!r} の ID {id} のマッピングがありません (見つかったエントリ: {ids})。テナントの Certificate-to-User Mappings を確認してください。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>{host} returned the mapping without a readable ValidUntil ({value!r}).</source>
        <translation>{host} が返したマッピングの ValidUntil を読み取れません ({value!r})。</translation>
    </message>
</context>
<context>
    <name>p12</name>
    <message>
        <location filename="../wizard/core/p12.py" line="+23"/>
        <source>AES-256-CBC with a SHA-256 MAC (PBES2): for current Java, OpenSSL 3, SAP sapgenpse, Windows 10/Server 2019 and newer, Postman.</source>
        <translation>AES-256-CBC と SHA-256 MAC (PBES2): 最新の Java、OpenSSL 3、SAP sapgenpse、Windows 10/Server 2019 以降、Postman 向け。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>3DES with a SHA-1 MAC: only for old consumers (Windows Server 2012-2016, older macOS Keychain, Android 12 and older, old Java or SAP kernels) that otherwise report &apos;wrong password&apos; or &apos;MAC verification failed&apos;.</source>
        <translation>3DES と SHA-1 MAC: 古いシステム (Windows Server 2012-2016、古い macOS キーチェーン、Android 12 以前、古い Java や SAP カーネル) 専用です。これらのシステムでは、この方式でないと &apos;wrong password&apos; や &apos;MAC verification failed&apos; が報告されます。</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>{source} could not be opened: the password is wrong, or it is not a PKCS#12 (.p12/.pfx) file. Check the password; if the file came from a CA portal, download it again as PKCS#12.</source>
        <translation>{source} を開けませんでした。パスワードが間違っているか、PKCS#12 (.p12/.pfx) ファイルではありません。パスワードを確認してください。ファイルを CA のポータルから取得した場合は、PKCS#12 形式で再度ダウンロードしてください。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{source} holds no private key (only certificates). Export it again including the private key, or use import-reply for certificates alone.</source>
        <translation>{source} には秘密鍵が含まれていません (証明書のみ)。秘密鍵を含めて再度エクスポートするか、証明書のみの場合は import-reply を使用してください。</translation>
    </message>
</context>
<context>
    <name>prechecks</name>
    <message>
        <location filename="../wizard/core/prechecks.py" line="-160"/>
        <source>pre-check {name}: {mark}: {detail}</source>
        <translation>事前チェック {name}: {mark}: {detail}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>chain complete</source>
        <translation>チェーンの完全性</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>valid now</source>
        <translation>現在有効</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>clientAuth</source>
        <translation>clientAuth</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>chain valid</source>
        <translation>チェーンの有効性</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>root accepted</source>
        <translation>ルートの受け入れ</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>ok</source>
        <translation>OK</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PROBLEM</source>
        <translation>問題あり</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unknown</source>
        <translation>不明</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>the certificate {subject} is self-signed; load balancers never accept a self-signed client certificate</source>
        <translation>証明書 {subject} は自己署名です。ロードバランサーは自己署名のクライアント証明書を受け入れません</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>we send {sent}, which reaches the root {root}</source>
        <translation>{sent} を送信し、ルート {root} までつながります</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>we send {sent}, but not the certificate of its issuer {missing}: the load balancer, which knows only roots, cannot build the chain</source>
        <translation>{sent} を送信していますが、発行者 {missing} の証明書を送信していません。ルートしか知らないロードバランサーはチェーンを構築できません</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{subject} is valid from {start} to {end}</source>
        <translation>{subject} の有効期間は {start} から {end} までです</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>the leaf is valid until {end}</source>
        <translation>リーフ証明書は {end} まで有効です</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>clientAuth is in Extended Key Usage</source>
        <translation>clientAuth は Extended Key Usage に含まれています</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>{name} is among {accepted}</source>
        <translation>{name} は {accepted} に含まれています</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the chain ends at {top}, which is not among {accepted} ({listed})</source>
        <translation>チェーンは {top} で終わっており、{accepted} に含まれていません ({listed})</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the chain&apos;s root is not known, so it cannot be judged</source>
        <translation>チェーンのルートが不明なため、判断できません</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{name} is on {version}</source>
        <translation>{name} は {version} に載っています</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{name} has expired and is no longer on {version}</source>
        <translation>{name} は期限切れで、{version} にはもう載っていません</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{name} is not among {version}</source>
        <translation>{name} は {version} に含まれていません</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>not confirmed: {name} was removed from {version}; SAP&apos;s Neo page of trusted root CAs (April 2026) still lists some removed roots, and SAP Note 2801396 is the authoritative list</source>
        <translation>未確認: {name} は {version} から削除されました。SAP の Neo の信頼済みルート CA のページ (2026 年 4 月) には削除済みのルートがまだ一部載っており、正式なリストは SAP Note 2801396 です</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>not confirmed: {name} is not on {version}, the list this judgement used (one source; SAP Note 2801396 is the authoritative list; add roots with --sap-roots)</source>
        <translation>未確認: {name} はこの判断に使ったリスト {version} に載っていません (情報源は 1 つです。正式なリストは SAP Note 2801396 です。ルートは --sap-roots で追加できます)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>not confirmed: {name} is not on {version}, the list this judgement used (one source; SAP Note 2801396 is the authoritative list)</source>
        <translation>未確認: {name} はこの判断に使ったリスト {version} に載っていません (情報源は 1 つです。正式なリストは SAP Note 2801396 です)</translation>
    </message>
</context>
<context>
    <name>profiles</name>
    <message>
        <location filename="../wizard/commands/profiles.py" line="+44"/>
        <source>No profiles yet in {folder}.
Start with: cpi-cert-wizard csr --profile NAME --cn COMMON-NAME</source>
        <translation>{folder} にプロファイルはまだありません。
次のコマンドで開始してください: cpi-cert-wizard csr --profile NAME --cn COMMON-NAME</translation>
    </message>
    <message>
        <location line="+13"/>
        <source> (renew)</source>
        <translation> (要更新)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Secrets are kept in: {where}</source>
        <translation>シークレットの保管場所: {where}</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Remove profile {name!r}, its key and its keyring entries? [y/N] </source>
        <translation>プロファイル {name!r}、その鍵、キーリングのエントリを削除しますか? [y/N] </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>y</source>
        <translation>はい</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing removed.</source>
        <translation>何も削除していません。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Removed profile {name}.</source>
        <translation>プロファイル {name} を削除しました。</translation>
    </message>
    <message>
        <location filename="../wizard/core/profiles.py" line="+198"/>
        <source>{file} was written by a newer cpi-cert-wizard (schema {version}); update the program to open it.</source>
        <translation>{file} は新しいバージョンの cpi-cert-wizard で書かれています (スキーマ {version})。開くにはプログラムを更新してください。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{file} is not a valid profile ({problem}). {hint}</source>
        <translation>{file} は有効なプロファイルではありません ({problem})。{hint}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} names profile {name!r} but lives in folder {folder!r}; rename the folder back.</source>
        <translation>{file} はプロファイル {name!r} を示していますが、フォルダー {folder!r} にあります。フォルダー名を元に戻してください。</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>The profile as it was before its last change is kept in {backup}: copy it over {file} to restore it, or remove the profile.</source>
        <translation>最後に変更する前のプロファイルは {backup} に保存されています。復元するにはこれを {file} に上書きコピーするか、プロファイルを削除してください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Restore it from a backup, or remove the profile (its folder) and create it again.</source>
        <translation>バックアップから復元するか、プロファイル (そのフォルダー) を削除して作成し直してください。</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>{name} is not a usable profile name: use 1 to 64 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or digit (for example ERP-PRD or s4_qas).</source>
        <translation>{name} はプロファイル名として使用できません。1～64 文字の英字、数字、&apos;.&apos;、&apos;_&apos;、&apos;-&apos; を使い、英字または数字で始めてください (例: ERP-PRD、s4_qas)。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{name} is not a usable profile name: Windows drops a dot at the end of a folder name, so the profile could not be found there. Leave out the final dot.</source>
        <translation>{name} はプロファイル名として使用できません。Windows はフォルダー名の末尾のドットを削除するため、そこではプロファイルが見つからなくなります。末尾のドットを外してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{name} is not a usable profile name: Windows reserves {device} for a device, with any extension, so no folder can have that name there. Pick another name (for example {device}-1 or {device}_PRD).</source>
        <translation>{name} はプロファイル名として使用できません。Windows は {device} を (拡張子に関係なく) デバイス用に予約しているため、その名前のフォルダーは作成できません。別の名前を選んでください (例: {device}-1、{device}_PRD)。</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>{name} differs from the existing profile {other} only in upper and lower case; Windows and macOS would see one folder. Use {other}, or pick a name that differs in more than case.</source>
        <translation>{name} は既存のプロファイル {other} と大文字・小文字だけが異なります。Windows と macOS では 1 つのフォルダーとして扱われます。{other} を使うか、大文字・小文字以外も異なる名前を選んでください。</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Profile {name!r}</source>
        <translation>プロファイル {name!r}</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>A profile named {name!r} exists already; pick another name.</source>
        <translation>{name!r} という名前のプロファイルは既にあります。別の名前を選んでください。</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>There is no profile named {name!r}; there is {other!r}, which differs only in upper and lower case. Use --profile {other}.</source>
        <translation>{name!r} という名前のプロファイルはありません。大文字・小文字だけが異なる {other!r} があります。--profile {other} を使ってください。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>none yet</source>
        <translation>まだありません</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>There is no profile named {name!r} in {folder} (profiles: {known}). Create it with &apos;cpi-cert-wizard csr --profile NAME …&apos;.</source>
        <translation>{folder} に {name!r} という名前のプロファイルはありません (プロファイル: {known})。&apos;cpi-cert-wizard csr --profile NAME …&apos; で作成してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{file} cannot be read ({reason}). {restore}</source>
        <translation>{file} を読み取れません ({reason})。{restore}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{file} is not a profile. {restore}</source>
        <translation>{file} はプロファイルではありません。{restore}</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>A profile named {name!r} was created by another process meanwhile; nothing was saved. Run the step again to work on it.</source>
        <translation>{name!r} という名前のプロファイルがその間に別のプロセスによって作成されました。何も保存されていません。そのプロファイルで作業するには、手順をもう一度実行してください。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Profile {name!r} was changed by another step (another window or command) since it was read here; nothing was saved, so that step&apos;s work is kept. Run this step again.</source>
        <translation>プロファイル {name!r} は、ここで読み込んだ後に別の手順 (別のウィンドウまたはコマンド) によって変更されました。何も保存されていないため、その手順の結果は保持されています。この手順をもう一度実行してください。</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>There is no profile named {name!r}.</source>
        <translation>{name!r} という名前のプロファイルはありません。</translation>
    </message>
</context>
<context>
    <name>render</name>
    <message>
        <location filename="../wizard/commands/fetch_root.py" line="-37"/>
        <location filename="../wizard/commands/render.py" line="-117"/>
        <source>leaf</source>
        <translation>リーフ</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../wizard/commands/render.py" line="+2"/>
        <source>root</source>
        <translation>ルート</translation>
    </message>
    <message>
        <location line="-1"/>
        <location filename="../wizard/commands/render.py" line="+2"/>
        <source>intermediate</source>
        <translation>中間</translation>
    </message>
    <message>
        <location line="+8"/>
        <location filename="../wizard/commands/render.py" line="+1"/>
        <source>issued by {issuer}; valid until {date}</source>
        <translation>発行者 {issuer}、{date} まで有効</translation>
    </message>
    <message>
        <location filename="../wizard/commands/render.py" line="+15"/>
        <source>error</source>
        <translation>エラー</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Imported the certificate into profile {profile}:</source>
        <translation>証明書をプロファイル {profile} にインポートしました:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Judged against {version}.</source>
        <translation>判定基準: {version}。</translation>
    </message>
</context>
<context>
    <name>reply</name>
    <message>
        <location filename="../wizard/core/reply.py" line="+40"/>
        <location line="+2"/>
        <location line="+1"/>
        <location line="+1"/>
        <source>a private key</source>
        <translation>秘密鍵</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>an encrypted private key</source>
        <translation>暗号化された秘密鍵</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>an SSH private key</source>
        <translation>SSH 秘密鍵</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>a certificate signing request (CSR)</source>
        <translation>証明書署名要求 (CSR)</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>a public key</source>
        <translation>公開鍵</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a certificate revocation list (CRL)</source>
        <translation>証明書失効リスト (CRL)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a PGP key</source>
        <translation>PGP 鍵</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a PGP message</source>
        <translation>PGP メッセージ</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>here we need the certificate the CA returned for your CSR (.cer, .crt, .pem or .p7b)</source>
        <translation>ここで必要なのは、CSR に対して CA が返送した証明書 (.cer、.crt、.pem、.p7b) です</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>here we need CA certificates (intermediates or roots: .pem, .cer, .crt or .p7b) that complete the chain</source>
        <translation>ここで必要なのは、チェーンを補う CA 証明書 (中間証明書またはルート: .pem、.cer、.crt、.p7b) です</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>here we need the root certificate(s) that the tenant&apos;s server certificate must lead to (.pem, .cer, .crt or .p7b)</source>
        <translation>ここで必要なのは、テナントのサーバー証明書がたどり着くべきルート証明書 (.pem、.cer、.crt、.p7b) です</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>here we need SAP&apos;s list of trusted roots: the JSON shipped in resources/ or a PEM bundle of root certificates</source>
        <translation>ここで必要なのは SAP の信頼済みルートの一覧です: resources/ に同梱の JSON、またはルート証明書の PEM バンドル</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>{source} is empty — {need}.</source>
        <translation>{source} は空です — {need}。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{source} is empty. Download the certificate the CA returned for your CSR again.</source>
        <translation>{source} は空です。CSR に対して CA が返送した証明書を再度ダウンロードしてください。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{source} holds a damaged certificate ({reason}). The file was probably changed while copying; download it again from the CA.</source>
        <translation>{source} の証明書は破損しています ({reason})。コピー中にファイルが変更された可能性があります。CA から再度ダウンロードしてください。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>a certificate file</source>
        <translation>証明書ファイル</translation>
    </message>
    <message>
        <location line="+98"/>
        <source>{source}: certificate block {number} is damaged ({reason}). The file was probably changed or cut while copying; download it again from the CA or copy the whole block including the BEGIN/END lines.</source>
        <translation>{source}: 証明書ブロック {number} が破損しています ({reason})。コピー中にファイルが変更されたか途切れた可能性があります。CA から再度ダウンロードするか、BEGIN/END 行を含めてブロック全体をコピーしてください。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{source}: the PKCS#7 block {number} is damaged ({reason}). Download the .p7b again from the CA.</source>
        <translation>{source}: PKCS#7 ブロック {number} が破損しています ({reason})。CA から .p7b を再度ダウンロードしてください。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{source} holds more than {limit} PEM blocks; a CA reply holds a few certificates. Check that you picked the right file.</source>
        <translation>{source} には {limit} を超える PEM ブロックがあります。CA の回答に含まれる証明書は数個です。正しいファイルを選んだか確認してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{source} is cut off: a &apos;-----BEGIN …-----&apos; line has no matching &apos;-----END …-----&apos; line. Copy or download the whole file again.</source>
        <translation>{source} は途中で切れています。&apos;-----BEGIN …-----&apos; 行に対応する &apos;-----END …-----&apos; 行がありません。ファイル全体を再度コピーまたはダウンロードしてください。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>{source} holds {what}, not a certificate — {need}.</source>
        <translation>{source} に含まれているのは証明書ではなく{what}です。{need}。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{source} contains no certificate — {need}.</source>
        <translation>{source} に証明書が含まれていません。{need}。</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>{source} holds a private key, not a certificate — {need}.</source>
        <translation>{source} に含まれているのは証明書ではなく秘密鍵です。{need}。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{source} holds an encrypted private key, not a certificate — {need}.</source>
        <translation>{source} に含まれているのは証明書ではなく暗号化された秘密鍵です。{need}。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{source} holds a certificate signing request (CSR), the file you send to the CA, not the certificate it returns — {need}.</source>
        <translation>{source} に含まれているのは証明書署名要求 (CSR) です。これは CA に送付するファイルであり、CA が返送する証明書ではありません。{need}。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{source} looks like a PKCS#12 keystore (.p12/.pfx: key and certificates together). For a key pair you already have, use import-p12 instead; otherwise {need}.</source>
        <translation>{source} は PKCS#12 キーストア (.p12/.pfx: 鍵と証明書のセット) のようです。既存の鍵ペアの場合は import-p12 を使用してください。そうでない場合、{need}。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{source} is a web page, not a certificate: the download probably returned a login or error page. Download the certificate again — {need}.</source>
        <translation>{source} は Web ページであり、証明書ではありません。ダウンロード時にログインページやエラーページが返された可能性があります。証明書を再度ダウンロードしてください。{need}。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{source} is a JSON file, not a certificate. A Cloud Foundry service key is imported with import-service-key; otherwise {need}.</source>
        <translation>{source} は JSON ファイルであり、証明書ではありません。Cloud Foundry のサービスキーは import-service-key でインポートします。そうでない場合、{need}。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{source} is a text file without a &apos;-----BEGIN CERTIFICATE-----&apos; block — {need}.</source>
        <translation>{source} は &apos;-----BEGIN CERTIFICATE-----&apos; ブロックのないテキストファイルです。{need}。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{source} is neither a PEM, DER nor PKCS#7 certificate file (unreadable binary data). Check that you picked the right file — {need}.</source>
        <translation>{source} は PEM、DER、PKCS#7 のいずれの証明書ファイルでもありません (読み取れないバイナリデータ)。正しいファイルを選択したか確認してください。{need}。</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>an algorithm this program cannot read</source>
        <translation>このプログラムが読めないアルゴリズム</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>an unknown certificate version</source>
        <translation>不明な証明書バージョン</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the text between the BEGIN and END lines is not valid base64</source>
        <translation>BEGIN 行と END 行の間のテキストが正しい Base64 ではありません</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>an extension appears twice</source>
        <translation>拡張が 2 回現れます</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a validity date cannot be read</source>
        <translation>有効期間の日付が読み取れません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>its binary encoding is invalid</source>
        <translation>バイナリエンコーディングが不正です</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Certificate {number} in {source} is damaged or uses an algorithm this program cannot read ({reason}). Download the CA&apos;s reply again.</source>
        <translation>{source} の証明書 {number} が破損しているか、このプログラムで読み取れないアルゴリズムを使用しています ({reason})。CA の応答を再度ダウンロードしてください。</translation>
    </message>
</context>
<context>
    <name>sandbox</name>
    <message>
        <location filename="../wizard/commands/sandbox.py" line="+151"/>
        <source>Sandbox tenant running at {url} (Ctrl-C to stop)
  trust this load-balancer root: {lb_root} (DER: {lb_root_cer})
  demo CA root (issues client certificates): {ca_root}
  example endpoint: {example} (role {role})
  access log: {access_log}
  try: curl --cacert {lb_root} --cert client-chain.pem --key key.pem {example}</source>
        <translation>サンドボックステナントを {url} で実行中です (停止するには Ctrl-C)
  このロードバランサーのルート証明書を信頼してください: {lb_root} (DER: {lb_root_cer})
  デモ CA のルート証明書 (クライアント証明書を発行): {ca_root}
  エンドポイントの例: {example} (ロール {role})
  アクセスログ: {access_log}
  試す: curl --cacert {lb_root} --cert client-chain.pem --key key.pem {example}</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Sandbox stopped; its certificates, tables and logs stay in {folder}.</source>
        <translation>サンドボックスを停止しました。証明書、テーブル、ログは {folder} に残っています。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>a certificate signing request</source>
        <translation>証明書署名要求</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>PEM bundle</source>
        <translation>PEM バンドル</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{count} certificates: leaf, intermediate, root</source>
        <translation>証明書 {count} 件: リーフ、中間、ルート</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{count} certificates: leaf, intermediate</source>
        <translation>証明書 {count} 件: リーフ、中間</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed by the sandbox demo CA: {subject}
  valid until {until}, extended key usage: {usages}
  reply ({format}, {contents}): {file}</source>
        <translation>サンドボックスのデモ CA が署名しました: {subject}
  有効期限 {until}、拡張キー使用法: {usages}
  応答 ({format}、{contents}): {file}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>  note: no clientAuth, so SAP (and this sandbox) will not accept it as a client.</source>
        <translation>  注: clientAuth がないため、SAP (およびこのサンドボックス) はクライアント証明書として受け入れません。</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>a certificate</source>
        <translation>証明書</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mapped {subject} (issued by {issuer}) to user {user}.</source>
        <translation>{subject} (発行者 {issuer}) をユーザー {user} にマッピングしました。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>  {user} has no role yet: `sandbox grant {user} {role}`.</source>
        <translation>  {user} にはまだロールがありません: `sandbox grant {user} {role}`。</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+10"/>
        <source>{user} now has: {roles}.</source>
        <translation>{user} のロール: {roles}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no roles</source>
        <translation>ロールなし</translation>
    </message>
    <message>
        <location line="+14"/>
        <source> (fails with 500)</source>
        <translation> (500 で失敗)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> (answers 503: runtime unavailable)</source>
        <translation> (503 を応答: ランタイム利用不可)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Endpoint {path}: role {role}, at most {max_bytes} bytes{extra}.</source>
        <translation>エンドポイント {path}: ロール {role}、最大 {max_bytes} バイト{extra}。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>a root certificate</source>
        <translation>ルート証明書</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The load balancer now also accepts client chains ending at {subject}.</source>
        <translation>ロードバランサーは、{subject} で終わるクライアントチェーンも受け入れるようになりました。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Sandbox folder: {folder} (node {node})</source>
        <translation>サンドボックスフォルダー: {folder} (ノード {node})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>  load-balancer root (senders trust it): {file}</source>
        <translation>  ロードバランサーのルート証明書 (送信側が信頼): {file}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>  demo CA root: {file}</source>
        <translation>  デモ CA のルート証明書: {file}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  access logs: {folder}</source>
        <translation>  アクセスログ: {folder}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Client roots accepted by the load balancer:</source>
        <translation>ロードバランサーが受け入れるクライアントのルート証明書:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Certificate-to-user mappings:</source>
        <translation>証明書とユーザーのマッピング:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{user} &lt;- {subject} (serial {serial})</source>
        <translation>{user} &lt;- {subject} (シリアル番号 {serial})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Roles:</source>
        <translation>ロール:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Endpoints:</source>
        <translation>エンドポイント:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{path}: role {role}, max {max_bytes} bytes</source>
        <translation>{path}: ロール {role}、最大 {max_bytes} バイト</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>, fails (500)</source>
        <translation>、失敗 (500)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>, unavailable (503)</source>
        <translation>、利用不可 (503)</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>  (none)</source>
        <translation>  (なし)</translation>
    </message>
</context>
<context>
    <name>sap_sign</name>
    <message>
        <location filename="../wizard/core/sap_sign.py" line="-335"/>
        <source>%n day(s)</source>
        <translation>%n 日</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%n month(s)</source>
        <translation>%n か月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%n year(s)</source>
        <translation>%n 年</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>{text!r} is not a validity the wizard understands. Give a number with d, m or y (90d, 6m, 1y) or words (90 days, 6 months, 1 year); SAP signs for 1 day to 1 year.</source>
        <translation>{text!r} はウィザードが理解できる有効期間ではありません。d、m、y を付けた数値 (90d、6m、1y) または語 (90 days、6 months、1 year) で指定してください。SAP が署名する期間は 1 日から 1 年です。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>A validity of {validity} is outside what SAP signs: 1 day to 1 year (at most 365 days, 12 months or 1 year).</source>
        <translation>有効期間 {validity} は SAP が署名する範囲外です: 1 日から 1 年 (最大 365 日、12 か月、または 1 年) です。</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>{source} is an x509-bound service key but has no {fields}. Copy the whole service key of the Destination service instance (Download in the BTP cockpit).</source>
        <translation>{source} は x509 バインドのサービスキーですが、{fields} がありません。Destination サービスインスタンスのサービスキー全体をコピーしてください (BTP コックピットの Download)。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The &apos;certificate&apos; or &apos;key&apos; of {source} is not PEM that can be read (an unencrypted private key). Copy the service key again as the BTP cockpit downloads it.</source>
        <translation>{source} の &apos;certificate&apos; または &apos;key&apos; は読み取れる PEM (暗号化されていない秘密鍵) ではありません。BTP コックピットがダウンロードするとおりにサービスキーをもう一度コピーしてください。</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>The {name!r} of {source} is {value!r}, not an https URL. Copy the service key again as the BTP cockpit shows it.</source>
        <translation>{source} の {name!r} は {value!r} で、https の URL ではありません。BTP コックピットに表示されるとおりにサービスキーをもう一度コピーしてください。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>no JSON object</source>
        <translation>JSON オブジェクトがありません</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{source} is not a service key in JSON ({problem}). In the BTP cockpit open the Destination service instance → Service Keys → the key → Download, or save the output of &apos;cf service-key &lt;instance&gt; &lt;key&gt;&apos;.</source>
        <translation>{source} は JSON のサービスキーではありません ({problem})。BTP コックピットで Destination サービスのインスタンス → Service Keys → キー → Download を開くか、&apos;cf service-key &lt;instance&gt; &lt;key&gt;&apos; の出力を保存してください。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>It looks like a Process Integration Runtime key (certificate and key), which the sender uses to call the tenant.</source>
        <translation>Process Integration Runtime のキー (証明書とキー) のようです。これは送信側がテナントを呼び出すためのものです。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{source} has no &apos;clientid&apos;, so it is not a Destination service key.{hint} Create an instance of the Destination service (plan lite) in a Cloud Foundry or &apos;Other Environment&apos; subaccount and a service key for it, then give that key.</source>
        <translation>{source} には &apos;clientid&apos; がないため、Destination サービスのサービスキーではありません。{hint} Cloud Foundry または &apos;Other Environment&apos; のサブアカウントに Destination サービス (プラン lite) のインスタンスとそのサービスキーを作成し、そのキーを指定してください。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>{source} has no &apos;clientsecret&apos;. Copy the whole service key of the Destination service instance.</source>
        <translation>{source} には &apos;clientsecret&apos; がありません。Destination サービスのインスタンスのサービスキーを全部コピーしてください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&apos;url&apos; (the subaccount&apos;s token base URL)</source>
        <translation>&apos;url&apos; (サブアカウントのトークンのベース URL)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&apos;uri&apos; (the Destination service&apos;s base URL)</source>
        <translation>&apos;uri&apos; (Destination サービスのベース URL)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{first} and no {second}</source>
        <translation>{first} と {second}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{source} has no {fields}: it is not a Destination service key. Create a service key of the Destination service (plan lite) and give that file.</source>
        <translation>{source} には {fields} がありません: Destination サービスのサービスキーではありません。Destination サービス (プラン lite) のサービスキーを作成し、そのファイルを指定してください。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>a Destination service key (JSON)</source>
        <translation>Destination サービスのサービスキー (JSON)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>on: SAP renews it shortly before it expires; import the renewal with --refresh and update the tenant entry</source>
        <translation>オン: 有効期限の少し前に SAP が更新します。更新された証明書を --refresh でインポートし、テナントへの登録を更新してください</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>The Destination service runs in a Cloud Foundry or an &apos;Other Environment&apos; subaccount, not in Neo: Neo users need a (free) Cloud Foundry subaccount for this one step; the certificate then works for Neo as well.</source>
        <translation>Destination サービスは Cloud Foundry または &apos;Other Environment&apos; のサブアカウントで動作し、Neo では動作しません。Neo の利用者はこの手順のためだけに（無料の）Cloud Foundry サブアカウントが必要です。証明書はその後 Neo でも使えます。</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>The certificate of the x509-bound service key ({source}) expired on {date}. Create a new service key for the Destination service instance and run again with --destination-key NEW-KEY.json.</source>
        <translation>x509 バインドのサービスキー ({source}) の証明書は {date} に期限切れになりました。Destination サービスインスタンスの新しいサービスキーを作成し、--destination-key NEW-KEY.json を付けて再実行してください。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>the certificate of the service key kept in the keyring for this profile</source>
        <translation>このプロファイル用にキーリングに保存されたサービスキーの証明書</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the certificate in {source}</source>
        <translation>{source} の証明書</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the client secret kept in the keyring for this profile (or in {env})</source>
        <translation>このプロファイル用にキーリングに保存されたクライアントシークレット (または {env} の値)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the client secret in {source}</source>
        <translation>{source} のクライアントシークレット</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The token endpoint {host} refused client {client!r} (HTTP {status}): {where} is wrong or expired, or the service key was deleted. Create a new service key for the Destination service instance and run again with --destination-key NEW-KEY.json.</source>
        <translation>トークンエンドポイント {host} がクライアント {client!r} を拒否しました (HTTP {status}): {where} が誤っているか期限切れ、またはサービスキーが削除されています。Destination サービスのインスタンスに新しいサービスキーを作成し、--destination-key NEW-KEY.json を付けて再実行してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the token request</source>
        <translation>トークン要求</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{host} answered the token request without an access_token (HTTP {status}, {content_type}). Check the service key&apos;s &apos;url&apos;: it is the subaccount&apos;s authentication URL.</source>
        <translation>{host} はトークン要求に access_token なしで応答しました (HTTP {status}、{content_type})。サービスキーの &apos;url&apos; を確認してください: サブアカウントの認証 URL です。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>no content type</source>
        <translation>Content-Type なし</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>SAP said: {said}</source>
        <translation>SAP の応答: {said}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{host} answered {what} with a redirect to {location} (HTTP {status}), usually a login page. Check the service key&apos;s &apos;url&apos; and &apos;uri&apos;.</source>
        <translation>{host} は {what} にリダイレクト ({location} へ、HTTP {status}) で応答しました。通常はログインページです。サービスキーの &apos;url&apos; と &apos;uri&apos; を確認してください。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The Destination service at {host} did not accept the token for {what} (HTTP 401).{quoted} The service key may belong to another region&apos;s service; download it again from the subaccount and retry.</source>
        <translation>{host} の Destination サービスは {what} のトークンを受け付けませんでした (HTTP 401)。{quoted} サービスキーが別のリージョンのサービスのものかもしれません。サブアカウントからもう一度ダウンロードして再試行してください。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The Destination service at {host} refused {what} (HTTP 403): this service key may not manage the subaccount&apos;s certificates.{quoted} Use a key of a Destination service instance of plan &apos;lite&apos; created in the subaccount itself.</source>
        <translation>{host} の Destination サービスは {what} を拒否しました (HTTP 403): このサービスキーにはサブアカウントの証明書を管理する権限がないかもしれません。{quoted} サブアカウント自体で作成したプラン &apos;lite&apos; の Destination サービスのインスタンスのキーを使ってください。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The Destination service at {host} refused {what} as too large or over quota (HTTP 413).{quoted} Delete certificates the subaccount no longer needs (cockpit → Connectivity → Destination Certificates) and try again.</source>
        <translation>{host} の Destination サービスは {what} を大きすぎるかクォータ超過として拒否しました (HTTP 413)。{quoted} サブアカウントで不要になった証明書を削除して (コックピット → Connectivity → Destination Certificates)、再試行してください。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Try again in {seconds} seconds.</source>
        <translation>{seconds} 秒後に再試行してください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Try again in a few minutes.</source>
        <translation>数分後に再試行してください。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The Destination service at {host} has had too many requests from this subaccount (HTTP 429).{quoted} {again}</source>
        <translation>{host} の Destination サービスはこのサブアカウントからの要求が多すぎます (HTTP 429)。{quoted} {again}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The Destination service at {host} failed on {what} (HTTP {status}).{quoted} It is SAP&apos;s side: try again later, and check SAP&apos;s status page for the region.</source>
        <translation>{host} の Destination サービスは {what} で失敗しました (HTTP {status})。{quoted} SAP 側の問題です。後で再試行し、リージョンの SAP ステータスページを確認してください。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The Destination service at {host} refused {what} (HTTP {status}).{quoted}</source>
        <translation>{host} の Destination サービスは {what} を拒否しました (HTTP {status})。{quoted}</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>replacing the certificate {name!r}</source>
        <translation>証明書 {name!r} の置き換え</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The subaccount already has a certificate named {name!r} (HTTP 409). Run again with --replace to have SAP sign your CSR again under that name (the old certificate is replaced there), or with --refresh to import the one that is there.</source>
        <translation>サブアカウントには既に {name!r} という名前の証明書があります (HTTP 409)。その名前で SAP に CSR を署名し直させるには --replace を付けて再実行してください (そこにある古い証明書は置き換えられます)。既存の証明書をインポートするには --refresh を付けてください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the signing request</source>
        <translation>署名要求</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The subaccount has no certificate named {name!r} (HTTP 404 from {host}). It may have been deleted in the cockpit: have SAP sign the CSR again (without --refresh).</source>
        <translation>サブアカウントには {name!r} という名前の証明書がありません ({host} から HTTP 404)。コックピットで削除された可能性があります: SAP に CSR を署名し直させてください (--refresh なしで)。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>reading the certificate {name!r}</source>
        <translation>証明書 {name!r} の読み取り</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The Destination service&apos;s answer for {name!r} has no readable &apos;Content&apos; (base64 of the certificate chain). Check that the service key&apos;s &apos;uri&apos; is the Destination service&apos;s.</source>
        <translation>{name!r} に対する Destination サービスの応答に読み取れる &apos;Content&apos; (証明書チェーンの base64) がありません。サービスキーの &apos;uri&apos; が Destination サービスのものか確認してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the certificate {name!r} SAP issued</source>
        <translation>SAP が発行した証明書 {name!r}</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Profile {name!r} has no certificate request for SAP to sign. Create one first: cpi-cert-wizard csr --profile {profile} --cn …</source>
        <translation>プロファイル {name!r} には SAP に署名させる証明書要求がありません。まず作成してください: cpi-cert-wizard csr --profile {profile} --cn …</translation>
    </message>
    <message>
        <location line="+209"/>
        <source>Profile {name!r} does not know a Destination service key yet. Give one: cpi-cert-wizard sap-sign --profile {profile} --refresh --destination-key FILE.json</source>
        <translation>プロファイル {name!r} はまだ Destination サービスのサービスキーを知りません。指定してください: cpi-cert-wizard sap-sign --profile {profile} --refresh --destination-key FILE.json</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the profile</source>
        <translation>プロファイル</translation>
    </message>
    <message>
        <location filename="../wizard/commands/sap_sign.py" line="+74"/>
        <source>{flags} only work when SAP signs; --refresh only fetches the certificate SAP has (the renewal setting stays as it was).</source>
        <translation>{flags} は SAP が署名する場合にのみ使用できます。--refresh は SAP が保持している証明書を取得するだけです (自動更新の設定は変わりません)。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Give the Destination service key: --destination-key FILE.json (BTP cockpit → the Cloud Foundry subaccount → Instances and Subscriptions → the Destination service instance → Service Keys → Download).</source>
        <translation>Destination サービスのサービスキーを指定してください: --destination-key FILE.json (SAP BTP cockpit → Cloud Foundry サブアカウント → Instances and Subscriptions → Destination サービスのインスタンス → Service Keys → Download)。</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Before SAP signs:</source>
        <translation>SAP が署名する前:</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>  SHA-256 {sha256}, valid until {until} UTC</source>
        <translation>  SHA-256 {sha256}、有効期限 {until} UTC</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Mind:</source>
        <translation>注意:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Client secret: {where}.</source>
        <translation>クライアントシークレット: {where}。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>on</source>
        <translation>オン</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../wizard/core/sap_sign.py" line="-584"/>
        <source>off</source>
        <translation>オフ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unknown</source>
        <translation>不明</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&apos;{name}&apos; in the subaccount&apos;s Destination certificates</source>
        <translation>サブアカウントの Destination 証明書内の &apos;{name}&apos;</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP&apos;s certificate {where} is the one profile {profile} already has; nothing changed (automatic renewal {renew}).</source>
        <translation>SAP の証明書 {where} は、プロファイル {profile} が既に保持しているものと同じです。変更はありません (自動更新 {renew})。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Imported SAP&apos;s certificate {where} into profile {profile} (automatic renewal {renew}).</source>
        <translation>SAP の証明書 {where} をプロファイル {profile} にインポートしました (自動更新 {renew})。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP renewed the certificate {where}; profile {profile} now has the new one (automatic renewal {renew}).</source>
        <translation>SAP が証明書 {where} を更新しました。プロファイル {profile} には新しい証明書が入っています (自動更新 {renew})。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>SAP signed the CSR again of profile {profile}: {where}, valid {validity}, automatic renewal {renew}.</source>
        <translation>SAP がプロファイル {profile} の CSR に再度署名しました: {where}、有効期間 {validity}、自動更新 {renew}。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>SAP signed the CSR of profile {profile}: {where}, valid {validity}, automatic renewal {renew}.</source>
        <translation>SAP がプロファイル {profile} の CSR に署名しました: {where}、有効期間 {validity}、自動更新 {renew}。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The tenant entry must be updated: it names an earlier certificate.</source>
        <translation>テナントのエントリを更新する必要があります。エントリには以前の証明書が登録されています。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  new SHA-256 {sha256}</source>
        <translation>  新しい SHA-256 {sha256}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>  was SHA-256 {sha256}</source>
        <translation>  以前の SHA-256 {sha256}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>  Neo: a new Certificate-to-User mapping for the new certificate; Cloud Foundry: a new service key with it (unless pinning is off).</source>
        <translation>  Neo: 新しい証明書用の新しい証明書とユーザーのマッピング。Cloud Foundry: 新しい証明書を含む新しいサービスキー (ピン留めがオフの場合を除く)。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>  The sender needs the new certificate too (same key): cpi-cert-wizard export-p12 --profile {profile}</source>
        <translation>  送信側システムにも新しい証明書 (鍵は同じ) が必要です: cpi-cert-wizard export-p12 --profile {profile}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Next: cpi-cert-wizard export-p12 --profile {profile}, then update the tenant entry.</source>
        <translation>次の手順: cpi-cert-wizard export-p12 --profile {profile}、その後テナントのエントリを更新してください。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Next: cpi-cert-wizard export-p12 --profile {profile} (for the sender), then cpi-cert-wizard mapping --profile {profile} (for the tenant).</source>
        <translation>次の手順: cpi-cert-wizard export-p12 --profile {profile} (送信側システム用)、その後 cpi-cert-wizard mapping --profile {profile} (テナント用)。</translation>
    </message>
    <message>
        <location filename="../wizard/core/sap_sign.py" line="+2"/>
        <source>SAP replaces the subject of your CSR with its own (SAP SE, your subaccount and region, CN={cn}): what you typed for O, OU, L or C is not in the certificate.</source>
        <translation>SAP は CSR のサブジェクトを独自のもの (SAP SE、サブアカウントとリージョン、CN={cn}) に置き換えます。O、OU、L、C に入力した内容は証明書に含まれません。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>SAP replaces the subject of your CSR with its own (SAP SE, your subaccount and region): what you typed for O, OU, L or C is not in the certificate.</source>
        <translation>SAP は CSR のサブジェクトを独自のもの (SAP SE、サブアカウントとリージョン) に置き換えます。O、OU、L、C に入力した内容は証明書に含まれません。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Only the CSR (the public key) is sent; the private key stays on this machine.</source>
        <translation>送信されるのは CSR (公開鍵) のみです。秘密鍵はこのマシンから外に出ません。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SAP signs for 1 day to 1 year; this request: {validity}. Automatic renewal: {renew}.</source>
        <translation>SAP による署名の有効期間は 1 日～1 年です。今回の要求: {validity}。自動更新: {renew}。</translation>
    </message>
</context>
<context>
    <name>secret</name>
    <message>
        <location filename="../wizard/commands/secret.py" line="+34"/>
        <source>No {kind} secret of profile {profile!r} is in the keyring ({keyring}).</source>
        <translation>プロファイル {profile!r} の {kind} シークレットはキーリング ({keyring}) にありません。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Derived from the batch secret {account!r} of {service} in the keyring ({keyring}) for {label}.</source>
        <translation>キーリング ({keyring}) にある {service} のバッチシークレット {account!r} から {label} 用に導出されています。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Kept in its own item {account!r} of {service} in the keyring ({keyring}).</source>
        <translation>キーリング ({keyring}) にある {service} の専用の項目 {account!r} に保存されています。</translation>
    </message>
</context>
<context>
    <name>secrets</name>
    <message>
        <location filename="../wizard/core/secrets.py" line="+85"/>
        <source>the private-key passphrase</source>
        <translation>秘密鍵のパスフレーズ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the PKCS#12 password</source>
        <translation>PKCS#12 パスワード</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the tenant API secret</source>
        <translation>テナント API シークレット</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the Destination service client secret</source>
        <translation>Destination サービスのクライアントシークレット</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the password for the company CA</source>
        <translation>社内 CA のパスワード</translation>
    </message>
    <message>
        <location line="+560"/>
        <source>none (no usable keyring)</source>
        <translation>なし (使用可能なキーリングがありません)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The keyring backend {backend} is not one known to encrypt what it keeps (it may write secrets to a plain file), so no secret is stored there.</source>
        <translation>キーリングのバックエンド {backend} は保存内容を暗号化することが確認されていません（秘密情報を平文のファイルに書き込む可能性があります）。そのため、秘密情報はそこに保存されません。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The secrets of these profiles were stored in {keyring}, which cannot be reached now. Start or unlock it (on Linux: log in to the desktop session), then try again.</source>
        <translation>これらのプロファイルの秘密情報は {keyring} に保存されていますが、現在アクセスできません。起動するかロックを解除して（Linux の場合はデスクトップ セッションにログインして）、もう一度お試しください。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No usable OS keyring was found (on Linux: a SecretService such as GNOME Keyring or KWallet, unlocked). Secrets are not stored.</source>
        <translation>使用できる OS のキーリングが見つかりません（Linux の場合: ロック解除された GNOME Keyring や KWallet などの SecretService）。秘密情報は保存されません。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>You will be asked for them each time, or set {variables} in the environment.</source>
        <translation>毎回入力を求められます。または環境変数 {variables} を設定してください。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The keyring ({keyring}) is locked, so {what} cannot be used. Unlock it (log in to the desktop session or unlock &apos;Login&apos; in Passwords and Keys) and try again.</source>
        <translation>キーリング ({keyring}) がロックされているため、{what}を使用できません。ロックを解除してから (デスクトップセッションにログインするか、「パスワードと鍵」で &apos;Login&apos; キーリングのロックを解除)、再試行してください。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The keyring ({keyring}) refused to handle {what}: {error}. Check that it is running and unlocked.</source>
        <translation>キーリング ({keyring}) が{what}の処理を拒否しました: {error}。キーリングが実行中でロック解除されていることを確認してください。</translation>
    </message>
    <message>
        <location line="+104"/>
        <source>Restore that item from a backup of the keyring; if it is lost, the key cannot be opened: make a new one with &apos;cpi-cert-wizard csr --profile {profile} --new-key&apos; (or set {variable} if you know the passphrase).</source>
        <translation>キーリングのバックアップからその項目を復元してください。失われた場合、鍵は開けません。&apos;cpi-cert-wizard csr --profile {profile} --new-key&apos; で新しい鍵を作成してください (パスフレーズが分かる場合は {variable} を設定してください)。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Restore that item from a backup of the keyring, or export again (&apos;cpi-cert-wizard export-p12 --profile {profile}&apos; makes a new password), or set {variable}.</source>
        <translation>キーリングのバックアップからその項目を復元するか、もう一度エクスポートするか (&apos;cpi-cert-wizard export-p12 --profile {profile}&apos; で新しいパスワードが作成されます)、{variable} を設定してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{What} of profile {profile!r} is derived from a batch secret, the keyring item {account!r} of {service}, which is no longer in the keyring ({keyring}).</source>
        <translation>プロファイル {profile!r} の{What}はバッチシークレット ({service} のキーリング項目 {account!r}) から導出されますが、その項目はもうキーリング ({keyring}) にありません。</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>{service} {account}: {what}</source>
        <translation>{service} {account}: {what}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{keyring}, derived from batch secret {account}</source>
        <translation>{keyring}、バッチシークレット {account} から導出</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>{What} of the profile is needed, but there is no keyring and no terminal to ask on. Set {variable} in the environment.</source>
        <translation>プロファイルの{What}が必要ですが、キーリングも入力用の端末もありません。環境変数 {variable} を設定してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No answer was given for {what}; nothing was changed.</source>
        <translation>{what}が入力されませんでした。何も変更されていません。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{What} of profile {profile}: </source>
        <translation>プロファイル {profile} の{What}: </translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{What} of profile {profile!r} is needed and is not in a keyring: {reason} Set {variable} in the environment.</source>
        <translation>プロファイル {profile!r} の{What}が必要ですが、キーリングにありません: {reason} 環境変数 {variable} を設定してください。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{What} of profile {profile!r} is not in the keyring ({keyring}). Set {variable} or store it again.</source>
        <translation>プロファイル {profile!r} の{What}がキーリング ({keyring}) にありません。{variable} を設定するか、再度保存してください。</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>not stored: taken from {variable}</source>
        <translation>保存なし: {variable} から取得</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No keyring: choose {what} for profile {profile}: </source>
        <translation>キーリングなし: プロファイル {profile} の{what}を設定してください: </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{What} needs 8 characters or more.</source>
        <translation>{What}は 8 文字以上必要です。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Type {what} for profile {profile} again: </source>
        <translation>プロファイル {profile} の{what}をもう一度入力してください: </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The two entries of {what} differ; nothing was created. Try again, or set {variable} in the environment.</source>
        <translation>{what}の 2 回の入力が一致しません。何も作成されていません。もう一度入力するか、環境変数 {variable} を設定してください。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>not stored: no keyring, you will be asked for it (or set {variable})</source>
        <translation>保存されていません: キーリングがないため、入力を求められます（または環境変数 {variable} を設定してください）</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>The keyring refused to delete {what}: {error}.</source>
        <translation>キーリングが{what}の削除を拒否しました: {error}。</translation>
    </message>
</context>
<context>
    <name>senders</name>
    <message>
        <location filename="../wizard/core/senders.py" line="+46"/>
        <source>SAP PI/PO (AS Java)</source>
        <translation>SAP PI/PO (AS Java)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SAP NetWeaver Administrator → Configuration → Certificates and Keys (Key Storage): import {root} into the view TrustedCAs.</source>
        <translation>SAP NetWeaver Administrator → Configuration → Certificates and Keys (Key Storage): {root} をビュー TrustedCAs にインポートします。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>In the same place, choose (or create) a keystore view for this sender and import {p12} there as a key pair entry (PKCS#12 with the whole chain).</source>
        <translation>同じ場所でこの送信側用のキーストアビューを選択（または作成）し、{p12} をキーペアのエントリ（チェーン全体を含む PKCS#12）としてインポートします。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>In the receiver channel towards Cloud Integration (SOAP, HTTP_AAE or IDoc_AAE): the runtime host over HTTPS, authentication by client certificate with that keystore view and entry, no user and password.</source>
        <translation>Cloud Integration 向けの受信チャネル（SOAP、HTTP_AAE または IDoc_AAE）: ランタイムホストに HTTPS で接続し、そのキーストアビューとエントリでクライアント証明書認証を行います。ユーザーとパスワードは使いません。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>SAP ABAP (S/4HANA, ECC)</source>
        <translation>SAP ABAP (S/4HANA, ECC)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>STRUST: add {root} to the certificate list of the SSL client PSE you use for this connection (SSL client Standard or a dedicated SSL client identity).</source>
        <translation>STRUST: この接続で使う SSL クライアント PSE（SSL client Standard または専用の SSL クライアント ID）の証明書リストに {root} を追加します。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>STRUST: import {p12} into that SSL client PSE (PSE → Import, or sapgenpse import_p12 -p &lt;file&gt;.pse {p12} and load the PSE); the PSE must hold the leaf and every intermediate.</source>
        <translation>STRUST: {p12} をその SSL クライアント PSE にインポートします（PSE → インポート、または sapgenpse import_p12 -p &lt;file&gt;.pse {p12} で作成して PSE を読み込み）。PSE にはリーフ証明書とすべての中間証明書が必要です。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>SM59, connection type G: the runtime host, port 443, SSL active with that SSL client identity; Logon &amp; Security: SSL client certificate, without a logon user.</source>
        <translation>SM59、接続タイプ G: ランタイムホスト、ポート 443、その SSL クライアント ID で SSL を有効化。ログオン/セキュリティ: SSL クライアント証明書、ログオンユーザーなし。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>With two or more worker nodes on the tenant side an ABAP sender gets HTTP 403 unless the profile parameter ict/disable_cookie_urlencoding is 1 or 2, depending on the kernel (SAP Note 2681175).</source>
        <translation>テナント側のワーカーノードが 2 つ以上ある場合、カーネルに応じてプロファイルパラメーター ict/disable_cookie_urlencoding を 1 または 2 に設定しない限り、ABAP の送信側には HTTP 403 が返ります（SAP Note 2681175）。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Do not mix Basic authentication and the client certificate towards the tenant: TLS session reuse then gives intermittent 401s (SAP KBA 3584034).</source>
        <translation>テナントに対して Basic 認証とクライアント証明書を混在させないでください。TLS セッションの再利用により、401 が断続的に発生します（SAP KBA 3584034）。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Java application</source>
        <translation>Java アプリケーション</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>keytool -importcert -alias tenant-root -file {root} -keystore truststore.p12 -storetype PKCS12 (or rely on the JDK&apos;s cacerts if it holds the root).</source>
        <translation>keytool -importcert -alias tenant-root -file {root} -keystore truststore.p12 -storetype PKCS12（JDK の cacerts にルートがあればそれでも構いません）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Use {p12} as the key store (javax.net.ssl.keyStore={p12}, keyStoreType=PKCS12), or copy it into yours with keytool -importkeystore -srckeystore {p12} -srcstoretype PKCS12.</source>
        <translation>{p12} をキーストアとして使う（javax.net.ssl.keyStore={p12}, keyStoreType=PKCS12）か、keytool -importkeystore -srckeystore {p12} -srcstoretype PKCS12 で既存のキーストアにコピーします。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Call the runtime host over HTTPS with that key store; no Authorization header.</source>
        <translation>そのキーストアでランタイムホストを HTTPS で呼び出します。Authorization ヘッダーは付けません。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>An old Java that reports &apos;wrong password&apos; or a MAC error cannot read AES-256 PKCS#12: export again with --legacy.</source>
        <translation>古い Java で「パスワードが違う」や MAC エラーが出る場合、AES-256 の PKCS#12 を読めません。--legacy で再エクスポートしてください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>.NET application</source>
        <translation>.NET アプリケーション</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Windows: {root} in Trusted Root Certification Authorities (often there already).</source>
        <translation>Windows: {root} を「信頼されたルート証明機関」に入れます（多くの場合は既にあります）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Load {p12} as an X509Certificate2 and add it to HttpClientHandler.ClientCertificates; put the intermediates into the Intermediate Certification Authorities store so Windows sends them.</source>
        <translation>{p12} を X509Certificate2 として読み込み、HttpClientHandler.ClientCertificates に追加します。Windows が中間証明書を送るよう、「中間証明機関」ストアに入れてください。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Call the runtime host with TLS 1.2 or 1.3; no Authorization header.</source>
        <translation>TLS 1.2 または 1.3 でランタイムホストを呼び出します。Authorization ヘッダーは付けません。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&apos;Could not create SSL/TLS secure channel&apos; usually means the application offers only TLS 1.0 or 1.1: enable TLS 1.2.</source>
        <translation>&apos;Could not create SSL/TLS secure channel&apos; は、多くの場合アプリケーションが TLS 1.0 または 1.1 しか提示していないことを意味します。TLS 1.2 を有効にしてください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Postman</source>
        <translation>Postman</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings → Certificates → CA certificates: {root_pem} (needed when SSL certificate verification is on and the root is not in the system store).</source>
        <translation>Settings → Certificates → CA certificates: {root_pem}（SSL 証明書の検証がオンで、ルートがシステムのストアにない場合に必要です）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Settings → Certificates → Add certificate: host = the runtime host, PFX file {p12} and its password.</source>
        <translation>Settings → Certificates → Add certificate: ホスト = ランタイムホスト、PFX ファイル {p12} とそのパスワード。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Send the request to https://&lt;runtime host&gt;/http/&lt;address&gt; with Authorization: No Auth.</source>
        <translation>https://&lt;runtime host&gt;/http/&lt;address&gt; に Authorization: No Auth でリクエストを送ります。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>curl</source>
        <translation>curl</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>--cacert {root_pem}</source>
        <translation>--cacert {root_pem}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>--cert {chain} with --key and its passphrase, or --cert-type P12 --cert {p12}; cpi-cert-wizard test-call prints the exact command.</source>
        <translation>--cert {chain} と --key およびそのパスフレーズ、または --cert-type P12 --cert {p12}。正確なコマンドは cpi-cert-wizard test-call が表示します。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>curl &lt;options&gt; https://&lt;runtime host&gt;/http/&lt;address&gt;, without -u.</source>
        <translation>curl &lt;options&gt; https://&lt;runtime host&gt;/http/&lt;address&gt;（-u は付けません）。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>trust store: {text}</source>
        <translation>トラストストア: {text}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>key pair: {text}</source>
        <translation>キーペア: {text}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>call: {text}</source>
        <translation>呼び出し: {text}</translation>
    </message>
</context>
<context>
    <name>storage</name>
    <message>
        <location filename="../wizard/core/storage.py" line="+128"/>
        <source>Cannot replace {file}: another program has it open. Close it (an editor, a viewer, a virus scanner still reading it) and try again; nothing was changed.</source>
        <translation>{file} を置き換えられません。別のプログラムがこのファイルを開いています。そのプログラム (エディター、ビューアー、まだ読み取り中のウイルス対策ソフトなど) を閉じてから再試行してください。何も変更されていません。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Cannot write {file}: {reason}. Check that the folder exists and is writable.</source>
        <translation>{file} に書き込めません: {reason}。フォルダーが存在し、書き込み可能であることを確認してください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot write {file}: {reason}. Nothing was changed.</source>
        <translation>{file} に書き込めません: {reason}。何も変更していません。</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>{file} is a folder, not {what}. Give the file itself.</source>
        <translation>{file} はフォルダーです ({what} ではありません)。ファイル自体を指定してください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} is a named pipe (FIFO), not {what}: reading it could wait forever. Save what you want to give into a regular file and give that file.</source>
        <translation>{file} は名前付きパイプ (FIFO) です ({what} ではありません)。読み取りが終わらない可能性があります。内容を通常のファイルに保存し、そのファイルを指定してください。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{file} is a device, not {what}: reading it may never end. Give a regular file.</source>
        <translation>{file} はデバイスです ({what} ではありません)。読み取りが終わらない可能性があります。通常のファイルを指定してください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} is not a regular file (a socket or similar), not {what}.</source>
        <translation>{file} は通常のファイルではありません (ソケットなど)。{what} ではありません。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{file} is {size} MB; {what} is never that large (limit {limit} MB). Check that you picked the right file.</source>
        <translation>{file} のサイズは {size} MB です。{what} がこれほど大きくなることはありません (上限 {limit} MB)。正しいファイルを選択したか確認してください。</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>{file} does not exist. Check the path.</source>
        <translation>{file} は存在しません。パスを確認してください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{file} cannot be read (permission denied).</source>
        <translation>{file} を読み取れません (アクセス権がありません)。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{file} cannot be read: {reason}.</source>
        <translation>{file} を読み取れません: {reason}。</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>process {pid}</source>
        <translation>プロセス {pid}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>another process</source>
        <translation>別のプロセス</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>it is a symbolic link, which is never followed; remove it</source>
        <translation>シンボリックリンクです (リンク先はたどりません)。削除してください</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>it is a folder; remove it</source>
        <translation>フォルダーです。削除してください</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot create the lock file {file}: {reason}.</source>
        <translation>ロックファイル {file} を作成できません: {reason}。</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{what} is being changed by {holder}, which did not finish within {seconds} s. Wait for it to finish (or close the other cpi-cert-wizard) and try again.</source>
        <translation>{what} は {holder} によって変更中で、{seconds} 秒以内に終了しませんでした。終了するまで待ってから (または別の cpi-cert-wizard を閉じてから)、再試行してください。</translation>
    </message>
</context>
<context>
    <name>test_call</name>
    <message>
        <location filename="../wizard/commands/test_call.py" line="+93"/>
        <source>the message body</source>
        <translation>メッセージ本文</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>no HTTP answer</source>
        <translation>HTTP 応答なし</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{method} {url}: {status} after {seconds} s</source>
        <translation>{method} {url}: {seconds} 秒後に {status}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Evidence:</source>
        <translation>根拠:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Next: {step}</source>
        <translation>次の手順: {step}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The same call with curl (the passphrase is fetched, not shown):</source>
        <translation>curl での同じ呼び出し (パスフレーズは表示せずに取得します):</translation>
    </message>
</context>
<context>
    <name>testcall</name>
    <message>
        <location filename="../wizard/core/client_identity.py" line="+11"/>
        <source>Profile {profile!r} has no private key ({file}). Create the key and CSR first (csr), or import a PKCS#12 (import-p12).</source>
        <translation>プロファイル {profile!r} には秘密鍵 ({file}) がありません。先に鍵と CSR を作成する (csr) か、PKCS#12 をインポート (import-p12) してください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} has no private key ({file}). Create the key and request first on the step &apos;Key and certificate request&apos;.</source>
        <translation>プロファイル {profile!r} に秘密鍵がありません ({file})。先に「鍵と証明書署名要求」のステップで鍵と要求を作成してください。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Profile {profile!r} has no certificate yet. Import what the CA sent back (import-reply) or a PKCS#12 (import-p12) first.</source>
        <translation>プロファイル {profile!r} にはまだ証明書がありません。先に CA から返送されたもの (import-reply) または PKCS#12 (import-p12) をインポートしてください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} has no certificate yet. Import what the CA sent back first, on the step &apos;Signed certificate&apos;.</source>
        <translation>プロファイル {profile!r} にはまだ証明書がありません。先に「署名済み証明書」のステップで CA から返されたものをインポートしてください。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>The certificate in {file} ({subject}) does not belong to the private key of profile {profile!r}. Import the certificate issued for this profile&apos;s CSR again.</source>
        <translation>{file} 内の証明書 ({subject}) は、プロファイル {profile!r} の秘密鍵に対応していません。このプロファイルの CSR に対して発行された証明書を再度インポートしてください。</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Profile {profile!r} has no saved tenant root ({file}). Read it with fetch-root first, or choose --trust system or --trust FILE.</source>
        <translation>プロファイル {profile!r} には保存されたテナントのルート証明書 ({file}) がありません。先に fetch-root で取得するか、--trust system または --trust FILE を選択してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>the tenant root saved by fetch-root ({subject})</source>
        <translation>fetch-root で保存したテナントのルート証明書 ({subject})</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No system trust store could be read on this computer. Save the tenant root with fetch-root, or give the root file with --trust FILE.</source>
        <translation>このコンピューターではシステムのトラストストアを読み取れませんでした。fetch-root でテナントのルート証明書を保存するか、--trust FILE でルート証明書のファイルを指定してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the system trust store</source>
        <translation>システムのトラストストア</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>a root certificate for the tenant</source>
        <translation>テナントのルート証明書</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the certificates in {file}</source>
        <translation>{file} 内の証明書</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The acceptable-CA name {value!r} in {source} is not an RFC 4514 name; run fetch-root again.</source>
        <translation>{source} 内の受け入れ可能な CA 名 {value!r} は RFC 4514 形式の名前ではありません。fetch-root を再度実行してください。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>a file of accepted client root certificates</source>
        <translation>受け入れ可能なクライアントルート証明書のファイル</translation>
    </message>
    <message>
        <location filename="../wizard/core/testcall.py" line="+260"/>
        <source>The timeout must be a positive number of seconds.</source>
        <translation>タイムアウトは正の秒数で指定してください。</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>This call sends an Authorization header as well as the client certificate. SAP KBA 3584034: a sender that mixes Basic authentication and client certificates towards the tenant gets intermittent 401s through TLS session reuse; use one authentication type per sender.</source>
        <translation>この呼び出しはクライアント証明書に加えて Authorization ヘッダーを送っています。SAP KBA 3584034: テナントに対して Basic 認証とクライアント証明書を混在させる送信側では、TLS セッションの再利用により 401 が断続的に発生します。送信側ごとに認証方式を 1 つにしてください。</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Profile {profile!r} has no tenant URL; give the endpoint with --url (for example https://&lt;runtime host&gt;/http/&lt;address&gt;).</source>
        <translation>プロファイル {profile!r} にはテナントの URL がありません。--url でエンドポイントを指定してください (例: https://&lt;runtime host&gt;/http/&lt;address&gt;)。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile {profile!r} has no tenant URL; give the endpoint on the first step (for example https://&lt;runtime host&gt;/http/&lt;address&gt;).</source>
        <translation>プロファイル {profile!r} にテナントの URL がありません。最初のステップでエンドポイントを指定してください (例: https://&lt;runtime host&gt;/http/&lt;address&gt;)。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>{url!r} is not an https:// URL. The tenant accepts client certificates only over TLS: use https://&lt;runtime host&gt;/http/&lt;address&gt;.</source>
        <translation>{url!r} は https:// URL ではありません。テナントは TLS 経由でのみクライアント証明書を受け入れます。https://&lt;runtime host&gt;/http/&lt;address&gt; を使用してください。</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>Connected to {target}.</source>
        <translation>{target} に接続しました。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Connected to {target} through the proxy {proxy} (CONNECT).</source>
        <translation>プロキシ {proxy} 経由で {target} に接続しました (CONNECT)。</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>{where} does not speak TLS: it answered {what}.</source>
        <translation>{where} は TLS を使用していません。応答: {what}。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{where} started the TLS handshake but did not finish it within {timeout:g} s.</source>
        <translation>{where} は TLS ハンドシェイクを開始しましたが、{timeout:g} 秒以内に完了しませんでした。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{where} accepted the connection but sent no TLS answer within {timeout:g} s.</source>
        <translation>{where} は接続を受け付けましたが、{timeout:g} 秒以内に TLS の応答を送信しませんでした。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The server presented {chain}.</source>
        <translation>サーバーが提示したのは {chain} です。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>It is not trusted against {trusted}: {problem}.</source>
        <translation>{trusted} では信頼されていません: {problem}。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>What it received: your client certificate (public, like a business card) if it asked for one in the handshake. No request, no data and no secret (no key, no password) was sent.</source>
        <translation>サーバーが受け取ったもの: ハンドシェイクで要求された場合はクライアント証明書 (名刺のような公開情報)。リクエスト、データ、秘密情報 (鍵やパスワード) は送信していません。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{protocol}: the server&apos;s certificate {name} is trusted: it leads to {trusted}.</source>
        <translation>{protocol}: サーバーの証明書 {name} は信頼されています ({trusted} につながっています)。</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>no names</source>
        <translation>名前なし</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server asked for a client certificate (acceptable CAs: {listed}); we sent {chain}.</source>
        <translation>サーバーはクライアント証明書を要求しました (受け入れ可能な CA: {listed})。送信したのは {chain} です。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The server did not ask for a client certificate, so none was sent.</source>
        <translation>サーバーはクライアント証明書を要求しなかったため、何も送信していません。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>{where} closed the connection without answering the TLS handshake.</source>
        <translation>{where} は TLS ハンドシェイクに応答せずに接続を閉じました。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{where} closed the connection in the middle of the TLS handshake.</source>
        <translation>{where} は TLS ハンドシェイクの途中で接続を閉じました。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{where} ended the TLS handshake after our client certificate: {reasons}.</source>
        <translation>{where} はこちらのクライアント証明書を受け取った後で TLS ハンドシェイクを終了しました: {reasons}。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No TLS session with {where}: {reasons} (no protocol version or cipher in common, or the server refused this host name).</source>
        <translation>{where} との TLS セッションを確立できません: {reasons} (共通のプロトコルバージョンまたは暗号スイートがないか、サーバーがこのホスト名を拒否しました)。</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>{where} accepted the request but did not answer within {timeout:g} s (a slow flow needs a larger --timeout).</source>
        <translation>{where} は要求を受け付けましたが、{timeout:g} 秒以内に応答しませんでした (処理に時間がかかるフローでは --timeout を大きくしてください)。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{where} accepted the request but did not answer within {timeout:g} s (a slow flow may answer when you call again).</source>
        <translation>{where} は要求を受け付けましたが、{timeout:g} 秒以内に応答しませんでした (遅いフローは再度呼び出すと応答することがあります)。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The TLS connection to {where} failed: {reasons}.</source>
        <translation>{where} への TLS 接続に失敗しました: {reasons}。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{where} closed the connection after the handshake without an answer ({error}); servers do this when they refuse the client certificate without saying why.</source>
        <translation>{where} はハンドシェイク後に応答せずに接続を閉じました ({error})。サーバーは、理由を示さずにクライアント証明書を拒否するときにこのような動作をします。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{where} gave no usable HTTP answer ({error}: {reason}).</source>
        <translation>{where} から使用可能な HTTP 応答がありませんでした ({error}: {reason})。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The answer begins: {excerpt}</source>
        <translation>応答の先頭: {excerpt}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Redirected to {location}: not an integration flow endpoint (a login page or the management host?).</source>
        <translation>{location} にリダイレクトされました: 統合フローのエンドポイントではありません (ログインページまたは管理ホストではありませんか?)。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The answer asks for credentials: WWW-Authenticate: {value}.</source>
        <translation>応答は資格情報を求めています: WWW-Authenticate: {value}。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The server says it could not verify the client certificate.</source>
        <translation>サーバーは、クライアント証明書を検証できなかったと応答しています。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The server says no client certificate arrived.</source>
        <translation>サーバーは、クライアント証明書が届かなかったと応答しています。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>The pre-checks found problems with the chain: {checks} (see above).</source>
        <translation>事前チェックでチェーンに問題が見つかりました: {checks} (上記を参照)。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>A load balancer drops such a chain, so the tool believes the tenant saw no certificate (the access log would show &apos;-&apos; as the user).</source>
        <translation>ロードバランサーはこのようなチェーンを破棄するため、テナントには証明書が届かなかったとツールは推測しています（アクセスログのユーザーは &apos;-&apos; になるはずです）。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>the server sent no acceptable-CA names</source>
        <translation>サーバーは受け入れ可能な CA 名を送りませんでした</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the server&apos;s acceptable-CA names do not settle it</source>
        <translation>サーバーの受け入れ可能な CA 名では判断できません</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Why the tool believes the load balancer dropped the chain: {named}, and the root {root} is not confirmed by {version}. If that root is on SAP&apos;s current list (SAP Note 2801396), the certificate reached the tenant and is not mapped (NOT_MAPPED) instead; the access log line of this call tells the two apart.</source>
        <translation>ロードバランサーがチェーンを破棄したとツールが推測する理由: {named}。また、ルート {root} は {version} で確認できません。このルートが SAP の現行リスト（SAP Note 2801396）にあれば、証明書はテナントに届いており、代わりにマッピングされていない (NOT_MAPPED) ことになります。この呼び出しのアクセスログの行で両者を区別できます。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The chain should pass the load balancer, so the tool believes the certificate reached the tenant but is not known there (the access log would show &apos;&lt;CN&gt;@&lt;issuer CN&gt;&apos; as the user).</source>
        <translation>チェーンはロードバランサーを通過するはずなので、証明書はテナントに届いたもののそこで認識されていないとツールは推測しています（アクセスログのユーザーは &apos;&lt;CN&gt;@&lt;issuer CN&gt;&apos; になるはずです）。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Could not tell: {checks}.</source>
        <translation>判断できませんでした: {checks}。</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>SAP&apos;s answer says invalid_client: the client certificate is not configured exactly once in a service key (SAP KBA 3224701). So the certificate passed the load balancer and reached the tenant; it is in no service key of a Process Integration Runtime instance, or in more than one.</source>
        <translation>SAP の応答は invalid_client です。クライアント証明書がちょうど 1 つのサービスキーに設定されていません（SAP KBA 3224701）。つまり証明書はロードバランサーを通過してテナントに届いていますが、Process Integration Runtime インスタンスのどのサービスキーにもないか、複数のキーにあります。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The answer carries X-CSRF-Token: Required: the sender channel is CSRF protected and the call brought no valid token. Fetch one first (GET with X-CSRF-Token: Fetch, keep the cookies) or untick CSRF Protected in the channel; the certificate and the role are fine.</source>
        <translation>応答に X-CSRF-Token: Required が含まれています。送信チャネルは CSRF 保護されており、呼び出しに有効なトークンがありませんでした。先にトークンを取得する（X-CSRF-Token: Fetch 付きの GET、Cookie は保持）か、チャネルの CSRF Protected をオフにしてください。証明書とロールは問題ありません。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The server never asked for a client certificate, so none was sent: this is not SAP&apos;s load balancer in front of a runtime node. Check that the URL is the runtime host (not the management host) and that no proxy or API Management ends TLS in between; sending intermediates or changing the CA will not help.</source>
        <translation>サーバーはクライアント証明書を一度も要求しなかったため、証明書は送られていません。これはランタイムノードの前にある SAP のロードバランサーではありません。URL が管理ホストではなくランタイムホストであること、途中のプロキシや API Management が TLS を終端していないことを確認してください。中間証明書の送信や CA の変更では解決しません。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>no certificate</source>
        <translation>証明書なし</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{names} (no intermediate)</source>
        <translation>{names} (中間証明書なし)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{names} (%n intermediate(s))</source>
        <translation>{names} (中間証明書 %n 件)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{where} rejected our client certificate with a TLS alert: {reasons}.</source>
        <translation>{where} は TLS アラートでこちらのクライアント証明書を拒否しました: {reasons}。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{where} closed the connection right after our client certificate, without an answer.</source>
        <translation>{where} はこちらのクライアント証明書を受け取った直後に、応答せずに接続を閉じました。</translation>
    </message>
</context>
<context>
    <name>tlsprobe</name>
    <message>
        <location filename="../wizard/core/tlsprobe.py" line="+69"/>
        <source>No target given: pass the tenant&apos;s runtime URL or host, for example https://my-tenant.it-cpi018-rt.cfapps.eu10-003.hana.ondemand.com/http/orders.</source>
        <translation>ターゲットが指定されていません。テナントのランタイム URL またはホストを指定してください (例: https://my-tenant.it-cpi018-rt.cfapps.eu10-003.hana.ondemand.com/http/orders)。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>{raw!r} is a {scheme}:// address; give an https:// URL, a host name or host:port.</source>
        <translation>{raw!r} は {scheme}:// のアドレスです。https:// URL、ホスト名、または host:port を指定してください。</translation>
    </message>
    <message>
        <location line="-9"/>
        <location line="+30"/>
        <source>{raw!r}: the IPv6 address has no closing &apos;]&apos;.</source>
        <translation>{raw!r}: IPv6 アドレスに閉じ括弧 &apos;]&apos; がありません。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{raw!r}: {port!r} is not a port number (1 to 65535).</source>
        <translation>{raw!r}: {port!r} はポート番号 (1 から 65535) ではありません。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{raw!r}: {host!r} is not a valid host name.</source>
        <translation>{raw!r}: {host!r} は有効なホスト名ではありません。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{raw!r} has no host name.</source>
        <translation>{raw!r} にはホスト名がありません。</translation>
    </message>
    <message>
        <location filename="../wizard/core/proxies.py" line="+46"/>
        <source>Proxy scheme {scheme}:// is not supported; give an http:// proxy URL (the usual kind: it tunnels TLS with CONNECT), for example http://proxy.corp:3128.</source>
        <translation>プロキシのスキーム {scheme}:// はサポートされていません。http:// のプロキシ URL (CONNECT で TLS をトンネリングする一般的な種類) を指定してください。例: http://proxy.corp:3128。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The proxy address has no usable host and port; write it like http://proxy.corp:3128.</source>
        <translation>プロキシのアドレスに使用可能なホストとポートがありません。http://proxy.corp:3128 のように記述してください。</translation>
    </message>
    <message>
        <location filename="../wizard/core/tlsprobe.py" line="+63"/>
        <source>The timeout must be a positive number of seconds.</source>
        <translation>タイムアウトには正の秒数を指定してください。</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>the proxy {proxy}</source>
        <translation>プロキシ {proxy}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Looking up {host} (for {where}) took longer than {timeout:g} s. Check the network and DNS settings, or raise --timeout.</source>
        <translation>{host} ({where} 用) の名前解決に {timeout:g} 秒以上かかりました。ネットワークと DNS の設定を確認するか、--timeout を大きくしてください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Looking up {host} (for {where}) took longer than {timeout:g} s. Check the network and DNS settings, then try again.</source>
        <translation>{host} の名前解決 ({where} 用) に {timeout:g} 秒以上かかりました。ネットワークと DNS の設定を確認してから、もう一度お試しください。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Check the proxy address in --proxy or HTTPS_PROXY.</source>
        <translation>--proxy または HTTPS_PROXY のプロキシアドレスを確認してください。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check the proxy address in the system&apos;s proxy settings or HTTPS_PROXY.</source>
        <translation>システムのプロキシ設定または HTTPS_PROXY のプロキシアドレスを確認してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Check the spelling (copy the host from the tenant&apos;s URL or service key); if this computer reaches the internet only through a proxy, give it with --proxy or HTTPS_PROXY.</source>
        <translation>スペルを確認してください (ホストはテナントの URL またはサービスキーからコピーしてください)。このコンピューターがプロキシ経由でのみインターネットに接続する場合は、--proxy または HTTPS_PROXY でプロキシを指定してください。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Check the spelling on the first step (copy the host from the tenant&apos;s URL or service key); if this computer reaches the internet only through a proxy, set it in the system&apos;s proxy settings or HTTPS_PROXY and start the wizard again.</source>
        <translation>最初のステップで綴りを確認してください (テナントの URL またはサービスキーからホストをコピーしてください)。このコンピューターがプロキシ経由でしかインターネットに接続できない場合は、システムのプロキシ設定または HTTPS_PROXY に設定して、ウィザードを起動し直してください。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The name {host} (for {where}) cannot be resolved: {reason}. {hint}</source>
        <translation>名前 {host} ({where} 用) を解決できません: {reason}。{hint}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Check the proxy address and that the proxy is running.</source>
        <translation>プロキシのアドレスと、プロキシが実行中であることを確認してください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing listens on that port: check the port (the tenant&apos;s runtime uses 443) and the host.</source>
        <translation>そのポートで待ち受けているものがありません。ポート (テナントのランタイムは 443 を使用) とホストを確認してください。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{where} refused the connection. {what}</source>
        <translation>{where} が接続を拒否しました。{what}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Connecting to {where} took longer than {timeout:g} s. A firewall may drop the connection, or a proxy is needed (--proxy or HTTPS_PROXY); raise --timeout if the line is slow.</source>
        <translation>{where} への接続に {timeout:g} 秒以上かかりました。ファイアウォールが接続を破棄しているか、プロキシが必要な可能性があります (--proxy または HTTPS_PROXY)。回線が遅い場合は --timeout を大きくしてください。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Connecting to {where} took longer than {timeout:g} s. A firewall may drop the connection, or a proxy is needed (the system&apos;s proxy settings or HTTPS_PROXY); try again if the line is slow.</source>
        <translation>{where} への接続に {timeout:g} 秒以上かかりました。ファイアウォールが接続を破棄しているか、プロキシが必要です (システムのプロキシ設定または HTTPS_PROXY)。回線が遅い場合はもう一度お試しください。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{where} cannot be reached: {reason}. Check the network, the host, and whether a proxy is needed (--proxy or HTTPS_PROXY).</source>
        <translation>{where} に到達できません: {reason}。ネットワーク、ホスト、およびプロキシが必要かどうか (--proxy または HTTPS_PROXY) を確認してください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{where} cannot be reached: {reason}. Check the network, the host, and whether a proxy is needed (the system&apos;s proxy settings or HTTPS_PROXY).</source>
        <translation>{where} に到達できません: {reason}。ネットワーク、ホスト、プロキシが必要かどうかを確認してください (システムのプロキシ設定または HTTPS_PROXY)。</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>The proxy {proxy} did not answer the tunnel request to {target} within {timeout:g} s. Check the proxy, or raise --timeout.</source>
        <translation>プロキシ {proxy} は {target} へのトンネル要求に {timeout:g} 秒以内に応答しませんでした。プロキシを確認するか、--timeout を大きくしてください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The proxy {proxy} did not answer the tunnel request to {target} within {timeout:g} s. Check the proxy, then try again.</source>
        <translation>プロキシ {proxy} は {target} へのトンネル要求に {timeout:g} 秒以内に応答しませんでした。プロキシを確認してから、もう一度お試しください。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The proxy {proxy} did not open a tunnel to {target}: it answered the CONNECT request unlike an HTTP proxy ({error}). Check that this address is an HTTP proxy.</source>
        <translation>プロキシ {proxy} は {target} へのトンネルを開きませんでした: CONNECT 要求への応答が HTTP プロキシのものではありません ({error})。このアドレスが HTTP プロキシであることを確認してください。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>It wants credentials: set them in the environment variable HTTPS_PROXY (http://user:password@proxy:port), not on the command line, where other users of the machine can read them.</source>
        <translation>資格情報が必要です: コマンドラインではなく環境変数 HTTPS_PROXY (http://user:password@proxy:port) に設定してください。コマンドラインは同じマシンの他のユーザーから読めます。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Its rules do not allow a tunnel to {target}; ask the proxy&apos;s administrators to allow CONNECT to this host and port.</source>
        <translation>プロキシのルールで {target} へのトンネルが許可されていません。このホストとポートへの CONNECT を許可するよう、プロキシの管理者に依頼してください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The proxy could not reach {target}: check the host name and port.</source>
        <translation>プロキシが {target} に到達できませんでした: ホスト名とポートを確認してください。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The proxy could not reach {target} in time.</source>
        <translation>プロキシが時間内に {target} に到達できませんでした。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check the proxy settings.</source>
        <translation>プロキシの設定を確認してください。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The proxy {proxy} refused to open a tunnel to {target}: {status} {reason}. {hint}</source>
        <translation>プロキシ {proxy} が {target} へのトンネルを開くことを拒否しました: {status} {reason}。{hint}</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>{target} (through the proxy {proxy})</source>
        <translation>{target} (プロキシ {proxy} 経由)</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>{where} started the TLS handshake but did not finish it within {timeout:g} s. The port may speak another protocol that waits for the client, or a firewall holds the connection; check host and port (the tenant&apos;s runtime uses 443), or raise --timeout.</source>
        <translation>{where} は TLS ハンドシェイクを開始しましたが、{timeout:g} 秒以内に完了しませんでした。ポートがクライアントからの送信を待つ別のプロトコルを使用しているか、ファイアウォールが接続を保留している可能性があります。ホストとポート (テナントのランタイムは 443 を使用) を確認するか、--timeout を大きくしてください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{where} started the TLS handshake but did not finish it within {timeout:g} s. The port may speak another protocol that waits for the client, or a firewall holds the connection; check host and port on the first step (the tenant&apos;s runtime uses 443).</source>
        <translation>{where} は TLS ハンドシェイクを開始しましたが、{timeout:g} 秒以内に完了しませんでした。ポートがクライアントからの送信を待つ別のプロトコルを使用しているか、ファイアウォールが接続を保留している可能性があります。最初のステップでホストとポート (テナントのランタイムは 443 を使用) を確認してください。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{where} accepted the connection but sent no TLS answer within {timeout:g} s. The port may speak another protocol that waits for the client, or a firewall holds the connection; check host and port (the tenant&apos;s runtime uses 443), or raise --timeout.</source>
        <translation>{where} は接続を受け付けましたが、{timeout:g} 秒以内に TLS の応答を送信しませんでした。ポートがクライアントからの送信を待つ別のプロトコルを使用しているか、ファイアウォールが接続を保留している可能性があります。ホストとポート (テナントのランタイムは 443 を使用) を確認するか、--timeout を大きくしてください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{where} accepted the connection but sent no TLS answer within {timeout:g} s. The port may speak another protocol that waits for the client, or a firewall holds the connection; check host and port on the first step (the tenant&apos;s runtime uses 443).</source>
        <translation>{where} は接続を受け付けましたが、{timeout:g} 秒以内に TLS の応答を送信しませんでした。ポートがクライアントからの送信を待つ別のプロトコルを使用しているか、ファイアウォールが接続を保留している可能性があります。最初のステップでホストとポート (テナントのランタイムは 443 を使用) を確認してください。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>plain HTTP ({line!r})</source>
        <translation>平文の HTTP ({line!r})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This is an http:// port; the tenant&apos;s runtime speaks TLS on 443.</source>
        <translation>これは http:// のポートです。テナントのランタイムは 443 で TLS を使用します。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>something that is not TLS: {what}</source>
        <translation>TLS ではないもの: {what}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check the port: the tenant&apos;s runtime speaks TLS on 443.</source>
        <translation>ポートを確認してください。テナントのランタイムは 443 で TLS を使用します。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{where} does not speak TLS: it answered {what}. {hint}</source>
        <translation>{where} は TLS を使用していません。応答: {what}。{hint}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{where} closed the connection in the middle of the TLS handshake.</source>
        <translation>{where} は TLS ハンドシェイクの途中で接続を閉じました。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{where} closed the connection without answering the TLS handshake.</source>
        <translation>{where} は TLS ハンドシェイクに応答せずに接続を閉じました。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> The port may not speak TLS, or does not serve the name {sni!r} (give the right one with --servername); check host and port (the tenant&apos;s runtime uses 443).</source>
        <translation> ポートが TLS を使用していないか、名前 {sni!r} を提供していない可能性があります (正しい名前は --servername で指定してください)。ホストとポート (テナントのランタイムは 443 を使用) を確認してください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> The port may not speak TLS, or does not serve the name {sni!r}; check host and port on the first step (the tenant&apos;s runtime uses 443).</source>
        <translation> ポートが TLS を使用していないか、名前 {sni!r} を提供していない可能性があります。最初のステップでホストとポート (テナントのランタイムは 443 を使用) を確認してください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source> The port may not speak TLS; check host and port (the tenant&apos;s runtime uses 443).</source>
        <translation> ポートが TLS を使用していない可能性があります。ホストとポート (テナントのランタイムは 443 を使用) を確認してください。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>{where} and this program have no TLS version in common ({reasons}). The server offers only versions this program does not use (it needs TLS 1.2 or 1.3, as SAP Cloud Integration does): check that this is the tenant&apos;s runtime host.</source>
        <translation>{where} とこのプログラムには共通の TLS バージョンがありません ({reasons})。サーバーは、このプログラムが使用しないバージョンのみを提供しています (このプログラムには、SAP Cloud Integration と同様に TLS 1.2 または 1.3 が必要です)。テナントのランタイムホストであることを確認してください。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{where} refused the TLS handshake ({reasons}): no cipher suite or key exchange in common with this program&apos;s TLS 1.2/1.3 defaults. Check that this is the tenant&apos;s runtime host and port.</source>
        <translation>{where} が TLS ハンドシェイクを拒否しました ({reasons})。このプログラムの TLS 1.2/1.3 の既定値と共通の暗号スイートまたは鍵交換がありません。テナントのランタイムホストとポートであることを確認してください。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{where} does not serve the name {sni!r} ({reasons}). Check the host, or give the name it expects with --servername.</source>
        <translation>{where} は名前 {sni!r} を提供していません ({reasons})。ホストを確認するか、--servername でサーバーが想定する名前を指定してください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{where} does not serve the name {sni!r} ({reasons}). Check the host on the first step.</source>
        <translation>{where} は名前 {sni!r} を提供していません ({reasons})。最初のステップでホストを確認してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The TLS handshake with {where} failed: {reasons}. Check host and port (the tenant&apos;s runtime uses 443).</source>
        <translation>{where} との TLS ハンドシェイクに失敗しました: {reasons}。ホストとポート (テナントのランタイムは 443 を使用) を確認してください。</translation>
    </message>
</context>
<context>
    <name>tracelog</name>
    <message>
        <location filename="../wizard/core/tracelog.py" line="+103"/>
        <source>Neo: {neo} Cloud Foundry: {cf}</source>
        <translation>Neo: {neo} Cloud Foundry: {cf}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The user lacks the channel&apos;s role</source>
        <translation>ユーザーにチャネルのロールがありません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The certificate was accepted and the call authenticated as {user}, who lacks {the_role} (the user role the sender channel checks; HTTP 403).</source>
        <translation>証明書は受け入れられ、呼び出しは {user} として認証されましたが、このユーザーには {the_role} がありません (送信側チャネルが確認するユーザーロール、HTTP 403)。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Give {user} {the_role}, or set the channel&apos;s user role to one {user} has.</source>
        <translation>{user} に {the_role} を付与するか、チャネルのユーザーロールを {user} が持つロールに設定してください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Give {user} {the_role}: SAP BTP cockpit → Neo subaccount → Security → Authorizations → {user} → Show Assignments → Assign → the application ending in &apos;iflmap&apos; → {role}. (A custom role must first exist on that application.)</source>
        <translation>{user} に {the_role} を付与してください: SAP BTP コックピット → Neo サブアカウント → Security → Authorizations → {user} → Show Assignments → Assign → &apos;iflmap&apos; で終わるアプリケーション → {role}。(カスタムロールは先にそのアプリケーションに存在している必要があります。)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Add {role} to the &quot;roles&quot; parameter of the Process Integration Runtime instance whose service key holds this certificate (cf update-service INSTANCE -c service-instance.json); the change can take up to an hour to apply.</source>
        <translation>この証明書を含むサービスキーの Process Integration Runtime インスタンスの &quot;roles&quot; パラメーターに {role} を追加してください (cf update-service INSTANCE -c service-instance.json)。変更の反映には最大 1 時間かかることがあります。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The flow&apos;s certificate list does not contain this certificate</source>
        <translation>統合フローの証明書リストにこの証明書が含まれていません</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The sender channel checks client certificates itself (Authorization = Client Certificate) and its list has no entry with subject {subject} and issuer {issuer} (HTTP 403).</source>
        <translation>送信側チャネルはクライアント証明書を自分で確認します (Authorization = Client Certificate)。そのリストにはサブジェクト {subject}、発行者 {issuer} のエントリーがありません (HTTP 403)。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Add the certificate to the sender channel: upload client.crt from cpi-cert-wizard mapping --profile &lt;profile&gt; --flow-certificate (or type its Subject DN and Issuer DN exactly as printed there), then redeploy the flow. Or switch the channel to Authorization = User Role and map the certificate (the recommended option).</source>
        <translation>証明書を送信側チャネルに追加してください: cpi-cert-wizard mapping --profile &lt;profile&gt; --flow-certificate で作成した client.crt をアップロードし (またはそこに表示された Subject DN と Issuer DN を正確に入力し)、統合フローを再デプロイしてください。またはチャネルを Authorization = User Role に切り替えて証明書をマッピングしてください (推奨)。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The CSRF token check failed</source>
        <translation>CSRF トークンの確認に失敗しました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The sender channel is CSRF protected and the call brought no valid X-CSRF-Token (HTTP 403): the certificate and the role are fine.</source>
        <translation>送信側チャネルは CSRF 保護されており、呼び出しに有効な X-CSRF-Token がありませんでした (HTTP 403)。証明書とロールは問題ありません。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Have the sender fetch a token first (a GET with header X-CSRF-Token: Fetch, keep the session cookies, send the token back with the POST), or untick CSRF Protected in the sender channel if the sender cannot do that, and redeploy.</source>
        <translation>送信側で先にトークンを取得してください (ヘッダー X-CSRF-Token: Fetch を付けた GET を送り、セッション Cookie を保持し、POST でトークンを送り返す)。送信側でそれができない場合は送信側チャネルの CSRF Protected のチェックを外し、再デプロイしてください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The certificate is not in exactly one service key</source>
        <translation>証明書がちょうど 1 つのサービスキーに含まれていません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant found the certificate in no service key, or in more than one (invalid_client; HTTP 401).</source>
        <translation>テナントは証明書をどのサービスキーにも見つけられなかったか、複数のサービスキーに見つけました (invalid_client、HTTP 401)。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Put the leaf certificate into exactly one service key of type External Certificate (cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf) and delete any other key that holds it.</source>
        <translation>リーフ証明書を External Certificate タイプのサービスキーちょうど 1 つに入れ (cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf)、それを含む他のキーを削除してください。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The certificate is not mapped to a user</source>
        <translation>証明書がどのユーザーにもマッピングされていません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The certificate reached the tenant but no user is mapped to it (HTTP 401).</source>
        <translation>証明書はテナントに届きましたが、マッピングされたユーザーがいません (HTTP 401)。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Register exactly this certificate for a user.</source>
        <translation>まさにこの証明書をユーザーに登録してください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add this exact certificate (client.cer, serial included) in Certificate-to-User Mappings with a user name: cpi-cert-wizard mapping --profile &lt;profile&gt; --env neo.</source>
        <translation>まさにこの証明書 (client.cer、シリアル番号を含む) を証明書とユーザーのマッピングにユーザー名とともに追加してください: cpi-cert-wizard mapping --profile &lt;profile&gt; --env neo。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Create a service key of type External Certificate with this leaf: cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf.</source>
        <translation>このリーフ証明書で External Certificate タイプのサービスキーを作成してください: cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>XSUAA could not authenticate the OAuth client</source>
        <translation>XSUAA が OAuth クライアントを認証できませんでした</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant could not turn the caller into an OAuth client (HTTP 401). With a client certificate on Cloud Foundry this is logged when the certificate is in no service key, or, with Pin Certificate off, when several service keys hold certificates with the same subject and issuer DN (SAP KBA 3364579). SAP calls the message generic: the subaccount&apos;s audit log (&apos;Multiple clones found for certificate …&apos;) confirms the conflict.</source>
        <translation>テナントは呼び出し元を OAuth クライアントとして識別できませんでした (HTTP 401)。Cloud Foundry でクライアント証明書を使う場合、証明書がどのサービスキーにもないとき、または Pin Certificate がオフで複数のサービスキーが同じサブジェクト DN と発行者 DN の証明書を持つときに記録されます (SAP KBA 3364579)。SAP はこのメッセージを汎用的なものとしています: サブアカウントの監査ログ (&apos;Multiple clones found for certificate …&apos;) で競合を確認できます。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Keep each certificate in exactly one service key; with Pin Certificate off, keep each subject and issuer DN in one key only and delete the conflicting keys (cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf). Check the subaccount&apos;s audit log for &apos;Multiple clones found for certificate&apos;.</source>
        <translation>各証明書をちょうど 1 つのサービスキーに保持してください。Pin Certificate がオフの場合は、各サブジェクト DN と発行者 DN を 1 つのキーだけに保持し、競合するキーを削除してください (cpi-cert-wizard mapping --profile &lt;profile&gt; --env cf)。サブアカウントの監査ログで &apos;Multiple clones found for certificate&apos; を確認してください。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No credentials reached the runtime</source>
        <translation>ランタイムに資格情報が届きませんでした</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The call reached the runtime without credentials it could use (HTTP 401): no certificate was forwarded and no user or token came with it. (The message is the runtime&apos;s security framework&apos;s; SAP does not document it for this case, so this reading is the tool&apos;s.)</source>
        <translation>呼び出しは使用できる資格情報なしでランタイムに届きました (HTTP 401): 証明書は転送されず、ユーザーもトークンもありませんでした。(このメッセージはランタイムのセキュリティフレームワークのものです。SAP はこのケースについて文書化していないため、この解釈はツールによるものです。)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Make sure the sender presents its client certificate with the whole chain to the runtime host: cpi-cert-wizard test-call --profile &lt;profile&gt; shows whether the server asks for a certificate and whether the chain passes.</source>
        <translation>送信側がクライアント証明書をチェーン全体とともにランタイムホストに提示していることを確認してください: cpi-cert-wizard test-call --profile &lt;profile&gt; で、サーバーが証明書を要求しているか、チェーンが通るかを確認できます。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Authentication failed</source>
        <translation>認証に失敗しました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant could not authenticate the caller (HTTP 401); the trace text says how.</source>
        <translation>テナントは呼び出し元を認証できませんでした (HTTP 401)。理由はトレースのテキストにあります。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check that the certificate is registered: Certificate-to-User Mapping (Neo) or exactly one service key (Cloud Foundry), and that the sender sends the whole chain.</source>
        <translation>証明書が登録されていることを確認してください: 証明書とユーザーのマッピング (Neo) またはちょうど 1 つのサービスキー (Cloud Foundry)。また、送信側がチェーン全体を送っていることを確認してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Authorization failed</source>
        <translation>認可に失敗しました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The caller was authenticated but refused (HTTP 403); the trace text says why.</source>
        <translation>呼び出し元は認証されましたが拒否されました (HTTP 403)。理由はトレースのテキストにあります。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check the sender channel&apos;s authorization: the user role and its assignment, the client certificate list, and the CSRF setting.</source>
        <translation>送信側チャネルの認可を確認してください: ユーザーロールとその割り当て、クライアント証明書のリスト、CSRF の設定。</translation>
    </message>
    <message>
        <location line="+307"/>
        <source>an ljs_trace_*.log file</source>
        <translation>ljs_trace_*.log ファイル</translation>
    </message>
</context>
<context>
    <name>trust</name>
    <message>
        <location filename="../wizard/core/trust.py" line="+104"/>
        <source>an SAP trust list</source>
        <translation>SAP のトラストリスト</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{base} plus {count} root(s) from {file}</source>
        <translation>{base} と {file} の {count} 個のルート</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>the trusted CAs of the custom domain</source>
        <translation>カスタムドメインの信頼済み CA</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the trusted CAs configured for the custom domain {domain} ({file})</source>
        <translation>カスタムドメイン {domain} に設定された信頼済み CA（{file}）</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>the SAP trust list shipped with the wizard</source>
        <translation>ウィザードに同梱されている SAP のトラストリスト</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>{file} is not an SAP trust list the wizard can read ({problem}). Give the JSON shipped in resources/ (same shape) or a PEM bundle of roots.</source>
        <translation>{file} はウィザードが読み取れる SAP の信頼リストではありません ({problem})。resources/ に同梱の JSON (同じ形式) またはルート証明書の PEM バンドルを指定してください。</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>SAP BTP trust store {version}</source>
        <translation>SAP BTP トラストストア {version}</translation>
    </message>
    <message>
        <location line="+170"/>
        <source>a CA certificate file</source>
        <translation>CA 証明書ファイル</translation>
    </message>
</context>
<context>
    <name>verdicts</name>
    <message>
        <location filename="../wizard/core/verdicts.py" line="+94"/>
        <source>Neo: {neo} Cloud Foundry: {cf}</source>
        <translation>Neo: {neo} Cloud Foundry: {cf}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Monitor → System Log Files</source>
        <translation>Monitor → System Log Files</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The default trace of node {node}, which answered, names the cause: open {trace} ({where}), or give it to cpi-cert-wizard analyze-log together with the access log.</source>
        <translation>応答したノード {node} のデフォルトトレースに原因が記録されています。{trace} ({where}) を開くか、アクセスログとともに cpi-cert-wizard analyze-log に渡してください。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The default trace of node {node}, which answered, names the cause: open {trace} ({where}).</source>
        <translation>応答したノード {node} のデフォルトトレースに原因が記録されています。{trace} ({where}) を開いてください。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The default trace of the node that answered names the cause: open {trace} ({where}) of the node whose {access_log} shows this call, or give both files to cpi-cert-wizard analyze-log.</source>
        <translation>応答したノードのデフォルトトレースに原因が記録されています。{access_log} にこの呼び出しが記録されているノードの {trace} ({where}) を開くか、両方のファイルを cpi-cert-wizard analyze-log に渡してください。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The default trace of the node that answered names the cause: open {trace} ({where}) of the node whose {access_log} shows this call.</source>
        <translation>応答したノードのデフォルトトレースに原因が記録されています。{access_log} にこの呼び出しが記録されているノードの {trace} ({where}) を開いてください。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The call went through</source>
        <translation>呼び出しは成功しました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant accepted the certificate, mapped it to a user with the required role and the integration flow answered with success.</source>
        <translation>テナントは証明書を受け入れて必要なロールを持つユーザーにマッピングし、統合フローは成功を返しました。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Nothing to fix. Configure the sender system with the same key, chain and URL (export-p12), and keep an eye on the certificate&apos;s expiry.</source>
        <translation>修正は不要です。送信側システムを同じ鍵、チェーン、URL で設定し (export-p12)、証明書の有効期限に注意してください。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Nothing to fix. Configure the sender system with the same key, chain and URL (the files of the Export step), and keep an eye on the certificate&apos;s expiry.</source>
        <translation>修正は不要です。送信側システムに同じ鍵、チェーン、URL (エクスポートのステップのファイル) を設定し、証明書の有効期限に注意してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The tenant&apos;s server certificate is not trusted</source>
        <translation>テナントのサーバー証明書が信頼されていません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The load balancer presented a certificate that does not lead to a root this call trusts (or is not valid for this host name), so the call stopped before sending anything.</source>
        <translation>ロードバランサーが提示した証明書が、この呼び出しで信頼しているルート証明書につながらない (またはこのホスト名に対して有効でない) ため、何も送信せずに呼び出しを停止しました。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Import the tenant&apos;s load-balancer root into the trust store (step 1: fetch-root), or choose the right one with --trust root|system|FILE. If a company proxy inspects TLS, its root is the one to trust.</source>
        <translation>テナントのロードバランサーのルート証明書をトラストストアにインポートするか (ステップ 1: fetch-root)、--trust root|system|FILE で適切なものを選択してください。社内プロキシが TLS を検査している場合は、そのプロキシのルート証明書を信頼する必要があります。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Go back to the tenant&apos;s root step and fetch the load balancer&apos;s root again. If a company proxy inspects TLS, its root is the one to trust.</source>
        <translation>テナントのルートのステップに戻り、ロードバランサーのルートをもう一度取得してください。社内プロキシが TLS を検査している場合は、そのルートを信頼します。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The load balancer rejected the client certificate</source>
        <translation>ロードバランサーがクライアント証明書を拒否しました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The TLS handshake failed with an alert after the client certificate was sent: the chain is incomplete, its root is not one the load balancer accepts, or the certificate is expired or not meant for client authentication.</source>
        <translation>クライアント証明書の送信後、TLS ハンドシェイクがアラートで失敗しました。チェーンが不完全である、ルート証明書がロードバランサーで受け入れられない、または証明書が期限切れかクライアント認証用ではない、のいずれかです。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Send the whole chain (leaf and all intermediates), check the root against SAP&apos;s list of accepted client roots, and check validity and clientAuth in Extended Key Usage.</source>
        <translation>チェーン全体 (リーフとすべての中間証明書) を送信し、ルート証明書が SAP の受け入れ済みクライアントルートのリストにあること、有効期間、拡張キー使用法 (EKU) の clientAuth を確認してください。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No certificate reached the tenant</source>
        <translation>テナントに証明書が届いていません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The call arrived without usable credentials (HTTP 401): the load balancer dropped the client certificate because its chain has a problem (incomplete, root not accepted, self-signed, expired, no clientAuth), or the server never asked for one. The access log shows &apos;-&apos; as the user.</source>
        <translation>呼び出しは有効な資格情報なしで到着しました (HTTP 401)。チェーンに問題 (不完全、ルート証明書が受け入れられない、自己署名、期限切れ、clientAuth なし) があるためロードバランサーがクライアント証明書を破棄したか、サーバーがクライアント証明書を要求しませんでした。アクセスログのユーザー欄は &apos;-&apos; になります。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Fix the chain problem named in the evidence: send leaf and all intermediates, use a certificate from a CA whose root is on SAP&apos;s list, never a self-signed one.</source>
        <translation>根拠に示されたチェーンの問題を修正してください: リーフとすべての中間証明書を送信し、ルート証明書が SAP のリストにある CA の証明書を使用してください。自己署名証明書は使用できません。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The load balancer would drop this chain (the tool&apos;s inference)</source>
        <translation>ロードバランサーはこのチェーンを破棄するはずです（ツールの推測）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The tenant answered 401 without saying why. The tool cannot see what the load balancer did; from the chain it sends, it believes the load balancer dropped the client certificate, so the call arrived without one. The evidence says why it believes so; the access log line of this call (&apos;-&apos; as the user) would confirm it.</source>
        <translation>テナントは理由を示さずに 401 を返しました。ツールはロードバランサーの動作を直接見ることはできません。送信したチェーンから、ロードバランサーがクライアント証明書を破棄し、呼び出しが証明書なしで届いたと推測しています。その理由は根拠に示しています。この呼び出しのアクセスログの行（ユーザーが &apos;-&apos;）で確認できます。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The server never asked for a client certificate</source>
        <translation>サーバーはクライアント証明書を要求しませんでした</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server at this address finished the TLS handshake without asking for a client certificate, so none was sent. SAP&apos;s load balancer in front of a runtime node asks for one; this answer came from something else: the management host instead of the runtime host, or an API Management or reverse proxy that ends TLS in front of the tenant.</source>
        <translation>このアドレスのサーバーはクライアント証明書を要求せずに TLS ハンドシェイクを終えたため、証明書は送られていません。ランタイムノードの前にある SAP のロードバランサーは証明書を要求します。この応答は別のもの、つまりランタイムホストではなく管理ホスト、またはテナントの前で TLS を終端する API Management やリバースプロキシから来ています。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Call the runtime host: on Cloud Foundry the url of the integration-flow service key (…-rt.cfapps…), on Neo the host ending in -iflmap…, not the management host. If a proxy or API Management sits in between, it must pass the TLS connection through or present the client certificate itself. Another chain or CA will not change this.</source>
        <translation>ランタイムホストを呼び出してください。Cloud Foundry では integration-flow のサービスキーの url（…-rt.cfapps…）、Neo では -iflmap… で終わるホストで、管理ホストではありません。途中にプロキシや API Management がある場合は、TLS 接続をそのまま通すか、クライアント証明書を自ら提示する必要があります。別のチェーンや CA では変わりません。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The certificate is not mapped to a user</source>
        <translation>証明書がユーザーにマッピングされていません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The chain should pass the load balancer, yet the tenant answered 401: the certificate reached the tenant but is not known there. The access log shows &apos;&lt;subject CN&gt;@&lt;issuer CN&gt;&apos; as the user.</source>
        <translation>チェーンはロードバランサーを通過するはずですが、テナントは 401 を返しました。証明書はテナントに届いていますが、テナントに登録されていません。アクセスログのユーザー欄は &apos;&lt;サブジェクトの CN&gt;@&lt;発行者の CN&gt;&apos; になります。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Register exactly this certificate in the tenant.</source>
        <translation>この証明書そのものをテナントに登録してください。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add this exact certificate (the client .cer, serial included) in the Certificate-to-User Mapping with a user name; a renewed certificate needs a new entry. If 401s come and go while the same sender also calls with Basic authentication, that is TLS session reuse (SAP KBA 3584034): use one authentication type per sender.</source>
        <translation>この証明書そのもの（クライアントの .cer、シリアル番号を含む）を、ユーザー名とともに証明書とユーザーのマッピングに追加してください。更新した証明書には新しいエントリが必要です。同じ送信側が Basic 認証でも呼び出している間に 401 が出たり消えたりする場合は、TLS セッションの再利用が原因です（SAP KBA 3584034）。送信側ごとに認証方式を 1 つにしてください。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Create a service key of type External Certificate (certificate_external) with this leaf certificate as PEM on the Process Integration Runtime instance (plan integration-flow); the certificate must be in exactly one service key. If 401s come and go while the same sender also calls with Basic authentication, that is TLS session reuse (SAP KBA 3584034): use one authentication type per sender.</source>
        <translation>Process Integration Runtime インスタンス（プラン integration-flow）に、このリーフ証明書を PEM で指定した External Certificate (certificate_external) タイプのサービスキーを作成してください。証明書はちょうど 1 つのサービスキーにある必要があります。同じ送信側が Basic 認証でも呼び出している間に 401 が出たり消えたりする場合は、TLS セッションの再利用が原因です（SAP KBA 3584034）。送信側ごとに認証方式を 1 つにしてください。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The certificate is probably not mapped to a user (the tool&apos;s inference)</source>
        <translation>証明書はおそらくユーザーにマッピングされていません（ツールの推測）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The tenant answered 401 without saying why. The chain should pass the load balancer, so the tool believes the certificate reached the tenant but is not known there. The access log line of this call (&apos;&lt;subject CN&gt;@&lt;issuer CN&gt;&apos; as the user) would confirm it.</source>
        <translation>テナントは理由を示さずに 401 を返しました。チェーンはロードバランサーを通過するはずなので、証明書はテナントに届いたもののそこで認識されていないとツールは推測しています。この呼び出しのアクセスログの行（ユーザーが &apos;&lt;subject CN&gt;@&lt;issuer CN&gt;&apos;）で確認できます。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Give the mapped user the channel&apos;s role and check the sender channel&apos;s CSRF setting. An SAP ABAP sender gets 403 when the tenant has two or more worker nodes unless the profile parameter ict/disable_cookie_urlencoding is set to 1 or 2 (SAP Note 2681175).</source>
        <translation>マッピングされたユーザーにチャネルのロールを付与し、送信チャネルの CSRF 設定を確認してください。テナントのワーカーノードが 2 つ以上ある場合、プロファイルパラメーター ict/disable_cookie_urlencoding を 1 または 2 に設定しない限り、SAP ABAP の送信側には 403 が返ります（SAP Note 2681175）。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Give the mapped user the role the sender channel requires (default ESBMessaging.send) on the application ending in &apos;iflmap&apos; (cockpit → Security → Authorizations), and check the channel&apos;s CSRF protection setting. An SAP ABAP sender with two or more worker nodes on the tenant side needs the profile parameter ict/disable_cookie_urlencoding = 1 or 2 (SAP Note 2681175).</source>
        <translation>マッピングされたユーザーに、送信チャネルが要求するロール（デフォルトは ESBMessaging.send）を、名前が &apos;iflmap&apos; で終わるアプリケーション上で付与し（コックピット → Security → Authorizations）、チャネルの CSRF 保護設定を確認してください。テナント側のワーカーノードが 2 つ以上ある場合、SAP ABAP の送信側にはプロファイルパラメーター ict/disable_cookie_urlencoding = 1 または 2 が必要です（SAP Note 2681175）。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Add the channel&apos;s role (default ESBMessaging.send) to the service instance&apos;s &quot;roles&quot; parameter (role changes can take up to an hour to apply), and check the channel&apos;s CSRF protection setting. An SAP ABAP sender with two or more worker nodes on the tenant side needs the profile parameter ict/disable_cookie_urlencoding = 1 or 2 (SAP Note 2681175).</source>
        <translation>チャネルのロール（デフォルトは ESBMessaging.send）をサービスインスタンスの &quot;roles&quot; パラメーターに追加し（ロールの変更が反映されるまで最大 1 時間かかることがあります）、チャネルの CSRF 保護設定を確認してください。テナント側のワーカーノードが 2 つ以上ある場合、SAP ABAP の送信側にはプロファイルパラメーター ict/disable_cookie_urlencoding = 1 または 2 が必要です（SAP Note 2681175）。</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>Check the host name and port on the first step (the runtime host, port 443), DNS, and whether a firewall or a company proxy is needed (the wizard uses the proxy in HTTPS_PROXY).</source>
        <translation>最初のステップでホスト名とポート (ランタイムホスト、ポート 443)、DNS、ファイアウォールや社内プロキシが必要かどうかを確認してください (ウィザードは HTTPS_PROXY のプロキシを使います)。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Check firewalls and proxies (the wizard uses the proxy in HTTPS_PROXY); a slow flow may answer when you try again.</source>
        <translation>ファイアウォールとプロキシを確認してください (ウィザードは HTTPS_PROXY のプロキシを使います)。遅いフローは再試行すると応答することがあります。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Something answers at this address, but no TLS session could be set up with it: it speaks plain HTTP or another protocol, closed the connection during the handshake, or has no protocol version in common with the caller.</source>
        <translation>このアドレスでは何かが応答していますが、TLS セッションを確立できませんでした。平文の HTTP や別のプロトコルを話している、ハンドシェイク中に接続を閉じた、または呼び出し側と共通のプロトコルバージョンがないかのいずれかです。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Use an https:// URL of the runtime host on port 443; check for a proxy or gateway that intercepts the connection. A .NET sender that reports &apos;Could not create SSL/TLS secure channel&apos; is usually offering only TLS 1.0 or 1.1: enable TLS 1.2 on it.</source>
        <translation>ランタイムホストの https:// URL（ポート 443）を使い、接続を横取りするプロキシやゲートウェイがないか確認してください。&apos;Could not create SSL/TLS secure channel&apos; と報告する .NET の送信側は、多くの場合 TLS 1.0 または 1.1 しか提示していません。TLS 1.2 を有効にしてください。</translation>
    </message>
    <message>
        <location line="-156"/>
        <source>Authenticated, but not allowed</source>
        <translation>認証済みですが、許可されていません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant knows the certificate&apos;s user (HTTP 403) but that user lacks the role the flow&apos;s sender channel requires, or CSRF protection is on, or the flow&apos;s own client certificate list does not contain this subject and issuer.</source>
        <translation>テナントは証明書のユーザーを認識していますが (HTTP 403)、そのユーザーにフローの送信側チャネルが要求するロールがないか、CSRF 保護がオンになっているか、フロー自体のクライアント証明書リストにこのサブジェクトと発行者が含まれていません。</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>No integration flow at this address</source>
        <translation>このアドレスに統合フローがありません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authentication passed but nothing listens at this path (HTTP 404), or the host answered with a redirect or &apos;method not allowed&apos; instead of running a flow: a typo, a flow that is not deployed, /http versus /cxf, or the management host instead of the runtime host.</source>
        <translation>認証は成功しましたが、このパスで待ち受けているものがない (HTTP 404) か、ホストがフローを実行せずにリダイレクトや &apos;method not allowed&apos; を返しました。原因として、入力ミス、フローが未デプロイ、/http と /cxf の取り違え、ランタイムホストではなく管理ホストの指定が考えられます。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Check the endpoint address in the deployed flow (Monitor → Manage Integration Content shows the endpoint URL) and use the runtime host.</source>
        <translation>デプロイ済みフローのエンドポイントアドレスを確認し (Monitor → Manage Integration Content にエンドポイント URL が表示されます)、ランタイムホストを使用してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The message is too large</source>
        <translation>メッセージが大きすぎます</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The request is larger than the sender channel allows (HTTP 413).</source>
        <translation>要求が送信側チャネルで許可されているサイズを超えています (HTTP 413)。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Send a smaller message or raise the maximum body size of the flow&apos;s sender channel.</source>
        <translation>より小さいメッセージを送信するか、フローの送信側チャネルの最大本文サイズを引き上げてください。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The integration flow ran and failed</source>
        <translation>統合フローが実行され、失敗しました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authentication and authorization passed; the flow itself ended in an error (HTTP 500, or another status the flow chose).</source>
        <translation>認証と認可は成功しましたが、フロー自体がエラーで終了しました (HTTP 500、またはフローが選択した別のステータス)。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Open the message processing log of this call (Monitor → Monitor Message Processing) for the error; the certificate setup is fine.</source>
        <translation>この呼び出しのメッセージ処理ログ (Monitor → Monitor Message Processing) でエラーを確認してください。証明書の設定に問題はありません。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The runtime is not available</source>
        <translation>ランタイムを使用できません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tenant or the flow&apos;s runtime is not available right now (HTTP 502, 503, 504 or 429): being started, updated, overloaded, or the flow is not started.</source>
        <translation>テナントまたはフローのランタイムが現在使用できません (HTTP 502、503、504、429)。起動中、更新中、過負荷、またはフローが開始されていない可能性があります。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Check the flow&apos;s deployment status and the tenant&apos;s health, then try again later.</source>
        <translation>フローのデプロイ状況とテナントの状態を確認し、しばらくしてから再試行してください。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The host cannot be reached</source>
        <translation>ホストに接続できません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No connection could be opened: the host name does not resolve, or the port refuses connections, or there is no route.</source>
        <translation>接続を確立できませんでした。ホスト名を解決できない、ポートが接続を拒否している、またはルートがない可能性があります。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Check the host name and port (the runtime host, port 443), DNS, and whether a firewall or a company proxy (--proxy, HTTPS_PROXY) is needed.</source>
        <translation>ホスト名とポート (ランタイムホスト、ポート 443)、DNS、およびファイアウォールや社内プロキシ (--proxy、HTTPS_PROXY) が必要かどうかを確認してください。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>No answer in time</source>
        <translation>時間内に応答がありません</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The connection or the answer took longer than the time allowed: a firewall silently drops the traffic, a proxy is needed, or the flow takes longer than the timeout.</source>
        <translation>接続または応答が許容時間を超えました。ファイアウォールが通信を通知なしに破棄している、プロキシが必要である、またはフローの処理がタイムアウトより長くかかっている可能性があります。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Check firewalls and proxies (--proxy, HTTPS_PROXY); for a slow flow, raise --timeout.</source>
        <translation>ファイアウォールとプロキシ (--proxy、HTTPS_PROXY) を確認してください。フローの処理が遅い場合は --timeout を引き上げてください。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The proxy refused the connection</source>
        <translation>プロキシが接続を拒否しました</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The HTTP proxy could not be used or would not open a tunnel (CONNECT) to the tenant.</source>
        <translation>HTTP プロキシを使用できないか、プロキシがテナントへのトンネル (CONNECT) を開きませんでした。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check the proxy address and credentials, and ask for CONNECT to the tenant host on port 443 to be allowed; bypass the proxy for this host with NO_PROXY if it is not needed.</source>
        <translation>プロキシのアドレスと資格情報を確認し、テナントホストのポート 443 への CONNECT を許可するよう依頼してください。プロキシが不要な場合は、NO_PROXY でこのホストのプロキシを回避してください。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No TLS session with this port</source>
        <translation>このポートと TLS セッションを確立できません</translation>
    </message>
</context>
<context>
    <name>workers</name>
    <message>
        <location filename="../wizard/ui/workers.py" line="-277"/>
        <source>Cancelled; nothing was written.</source>
        <translation>キャンセルしました。何も書き込まれていません。</translation>
    </message>
    <message>
        <location line="+107"/>
        <source>Something went wrong that is not your fault (%1). Please report it with the log; nothing half-written was kept.</source>
        <translation>お客様の操作に起因しない問題が発生しました (%1)。ログを添えてご報告ください。書きかけのファイルは残していません。</translation>
    </message>
</context>
</TS>
