# Writes cisa-cpg.json (CPG 1.0.1), cisa-cpg-2.0.json (CPG 2.0) and nist-csf-2.0.json (OSCAL 1.1.2
# catalogs, public domain content) into the current directory. The JSON files are what ships (include_str!); this script is how
# they were written, kept so a correction is made once here and regenerated:
#   cd crates/cybernav-formats/catalogs && python3 generate.py
import json
CSF = """GV Govern
GV.OC Organizational Context
GV.OC-01 The mission is understood and informs cybersecurity risk management
GV.OC-02 Internal and external stakeholders' needs and expectations are understood
GV.OC-03 Legal, regulatory and contractual cybersecurity requirements are understood and managed
GV.OC-04 Critical objectives, capabilities and services that others rely on are understood
GV.OC-05 Outcomes, capabilities and services the organisation depends on are understood
GV.RM Risk Management Strategy
GV.RM-01 Risk management objectives are agreed by stakeholders
GV.RM-02 Risk appetite and risk tolerance are stated and maintained
GV.RM-03 Cybersecurity risk management is part of enterprise risk management
GV.RM-04 A strategic direction for risk response options is set
GV.RM-05 Lines of communication for cybersecurity risks are in place, including with suppliers
GV.RM-06 A standard method for calculating, recording and prioritising risk is in place
GV.RM-07 Strategic opportunities (positive risks) are identified and considered
GV.RR Roles, Responsibilities, and Authorities
GV.RR-01 Leadership is responsible and accountable for cybersecurity risk
GV.RR-02 Cybersecurity roles, responsibilities and authorities are set, communicated and enforced
GV.RR-03 Resources are adequate for the cybersecurity risk strategy, roles and policies
GV.RR-04 Cybersecurity is part of human resources practices
GV.PO Policy
GV.PO-01 A cybersecurity risk management policy is set, communicated and enforced
GV.PO-02 The policy is reviewed and updated as requirements, threats and technology change
GV.OV Oversight
GV.OV-01 Outcomes of the risk management strategy are reviewed to adjust direction
GV.OV-02 The strategy is reviewed to cover organisational requirements and risks
GV.OV-03 Risk management performance is evaluated and reviewed for adjustments
GV.SC Cybersecurity Supply Chain Risk Management
GV.SC-01 A supply chain risk management programme is set and agreed
GV.SC-02 Cybersecurity roles for suppliers, customers and partners are set and coordinated
GV.SC-03 Supply chain risk management is part of enterprise risk management and improvement
GV.SC-04 Suppliers are known and prioritised by criticality
GV.SC-05 Supply chain cybersecurity requirements are set, prioritised and put in contracts
GV.SC-06 Planning and due diligence reduce risk before formal supplier relationships
GV.SC-07 Supplier risks are understood, recorded, prioritised, assessed and monitored throughout
GV.SC-08 Relevant suppliers take part in incident planning, response and recovery
GV.SC-09 Supply chain security is part of cybersecurity programmes and product life cycles
GV.SC-10 Plans cover what happens when a partnership or service agreement ends
ID Identify
ID.AM Asset Management
ID.AM-01 Inventories of hardware are maintained
ID.AM-02 Inventories of software, services and systems are maintained
ID.AM-03 Authorised network communication and data flows are represented and maintained
ID.AM-04 Inventories of services provided by suppliers are maintained
ID.AM-05 Assets are prioritised by classification, criticality, resources and impact
ID.AM-07 Inventories of data and its metadata are maintained
ID.AM-08 Systems, hardware, software, services and data are managed through their life cycles
ID.RA Risk Assessment
ID.RA-01 Vulnerabilities in assets are identified, validated and recorded
ID.RA-02 Cyber threat intelligence is received from information sharing forums and sources
ID.RA-03 Internal and external threats are identified and recorded
ID.RA-04 Potential impacts and likelihoods of threats exploiting vulnerabilities are identified
ID.RA-05 Threats, vulnerabilities, likelihoods and impacts inform risk and response priorities
ID.RA-06 Risk responses are chosen, prioritised, planned, tracked and communicated
ID.RA-07 Changes and exceptions are managed, assessed for risk, recorded and tracked
ID.RA-08 Processes exist for receiving, analysing and responding to vulnerability disclosures
ID.RA-09 Hardware and software are checked for authenticity and integrity before use
ID.RA-10 Critical suppliers are assessed before acquisition
ID.IM Improvement
ID.IM-01 Improvements are identified from evaluations
ID.IM-02 Improvements are identified from security tests and exercises
ID.IM-03 Improvements are identified from carrying out operational processes
ID.IM-04 Incident response and other cybersecurity plans are set, communicated, maintained and improved
PR Protect
PR.AA Identity Management, Authentication, and Access Control
PR.AA-01 Identities and credentials of authorised users, services and hardware are managed
PR.AA-02 Identities are proofed and bound to credentials according to context
PR.AA-03 Users, services and hardware are authenticated
PR.AA-04 Identity assertions are protected, conveyed and verified
PR.AA-05 Access permissions are defined, managed, enforced and reviewed with least privilege and separation of duties
PR.AA-06 Physical access to assets is managed, monitored and enforced according to risk
PR.AT Awareness and Training
PR.AT-01 Personnel are made aware and trained for general tasks with cybersecurity risks in mind
PR.AT-02 People in specialised roles are trained for their tasks with cybersecurity risks in mind
PR.DS Data Security
PR.DS-01 Data at rest keeps its confidentiality, integrity and availability
PR.DS-02 Data in transit keeps its confidentiality, integrity and availability
PR.DS-10 Data in use keeps its confidentiality, integrity and availability
PR.DS-11 Backups of data are created, protected, maintained and tested
PR.PS Platform Security
PR.PS-01 Configuration management practices are set and applied
PR.PS-02 Software is maintained, replaced and removed according to risk
PR.PS-03 Hardware is maintained, replaced and removed according to risk
PR.PS-04 Log records are generated and made available for continuous monitoring
PR.PS-05 Installation and execution of unauthorised software are prevented
PR.PS-06 Secure software development practices are integrated and their performance monitored
PR.IR Technology Infrastructure Resilience
PR.IR-01 Networks and environments are protected from unauthorised logical access and usage
PR.IR-02 Technology assets are protected from environmental threats
PR.IR-03 Mechanisms achieve resilience in normal and adverse situations
PR.IR-04 Adequate resource capacity to ensure availability is maintained
DE Detect
DE.CM Continuous Monitoring
DE.CM-01 Networks and network services are monitored for potentially adverse events
DE.CM-02 The physical environment is monitored for potentially adverse events
DE.CM-03 Personnel activity and technology usage are monitored for potentially adverse events
DE.CM-06 External service provider activities and services are monitored for potentially adverse events
DE.CM-09 Computing hardware, software, runtime environments and their data are monitored for potentially adverse events
DE.AE Adverse Event Analysis
DE.AE-02 Potentially adverse events are analysed to understand activities
DE.AE-03 Information is correlated from multiple sources
DE.AE-04 The estimated impact and scope of adverse events are understood
DE.AE-06 Information on adverse events is given to authorised staff and tools
DE.AE-07 Threat intelligence and other context are integrated into the analysis
DE.AE-08 Incidents are declared when adverse events meet the defined criteria
RS Respond
RS.MA Incident Management
RS.MA-01 The incident response plan is executed with relevant third parties once an incident is declared
RS.MA-02 Incident reports are triaged and validated
RS.MA-03 Incidents are categorised and prioritised
RS.MA-04 Incidents are escalated or elevated as needed
RS.MA-05 The criteria for starting incident recovery are applied
RS.AN Incident Analysis
RS.AN-03 Analysis establishes what happened during an incident and its root cause
RS.AN-06 Actions taken during an investigation are recorded and the records preserved
RS.AN-07 Incident data and metadata are collected with their integrity and provenance preserved
RS.AN-08 An incident's magnitude is estimated and validated
RS.CO Incident Response Reporting and Communication
RS.CO-02 Internal and external stakeholders are notified of incidents
RS.CO-03 Information is shared with designated internal and external stakeholders
RS.MI Incident Mitigation
RS.MI-01 Incidents are contained
RS.MI-02 Incidents are eradicated
RC Recover
RC.RP Incident Recovery Plan Execution
RC.RP-01 The recovery part of the incident response plan is executed once started
RC.RP-02 Recovery actions are selected, scoped, prioritised and performed
RC.RP-03 Backups and other restoration assets are checked for integrity before use
RC.RP-04 Critical mission functions and risk management are considered in setting post-incident norms
RC.RP-05 Restored assets are checked for integrity and systems and services restored and confirmed working
RC.RP-06 The end of incident recovery is declared and documentation completed
RC.CO Incident Recovery Communication
RC.CO-03 Recovery activities and progress are communicated to designated stakeholders
RC.CO-04 Public updates on incident recovery are shared through approved methods and messaging
"""
FUN = {"GV":"Govern","ID":"Identify","PR":"Protect","DE":"Detect","RS":"Respond","RC":"Recover"}
meta_common = lambda title, version, cid, publisher, remarks, lm: {
  "title": title, "last-modified": lm, "version": version, "oscal-version": "1.1.2",
  "props": [
    {"name": "catalog-id", "ns": "https://cybernav.example/ns/oscal", "value": cid},
    {"name": "publisher", "ns": "https://cybernav.example/ns/oscal", "value": publisher},
    {"name": "licence", "ns": "https://cybernav.example/ns/oscal", "value": "Public domain (U.S. government work)"},
  ],
  "remarks": remarks,
}
groups = []
for line in CSF.strip().splitlines():
    code, title = line.split(" ", 1)
    if "." not in code:
        groups.append({"id": code.lower(), "class": "function", "title": title, "controls": []})
    elif "-" not in code:
        groups[-1]["controls"].append({"id": code.lower(), "class": "category", "title": title, "controls": []})
    else:
        groups[-1]["controls"][-1]["controls"].append({"id": code.lower(), "class": "subcategory", "title": title,
            "props": [{"name": "label", "value": code}]})
n = sum(len(s["controls"]) for g in groups for s in g["controls"])
assert n == 106, n
csf = {"catalog": {"uuid": "6f3d8a57-4e1b-4c36-9d0a-2b7c1e5f9a41",
  "metadata": meta_common("The NIST Cybersecurity Framework (CSF) 2.0", "2.0", "nist-csf",
     "National Institute of Standards and Technology",
     "Functions, categories and subcategories of NIST CSWP 29 (CSF 2.0, February 2024), with ids as NIST gives them. Subcategory titles are short restatements written for cybernav; NIST's own wording is in CSWP 29. U.S. government work, public domain.",
     "2026-11-30T00:00:00Z"),
  "groups": groups}}
json.dump(csf, open("nist-csf-2.0.json","w"), indent=2, ensure_ascii=False)

CPG = [
 ("1","Identify",[("A","Asset Inventory"),("B","Organizational Cybersecurity Leadership"),("C","OT Cybersecurity Leadership"),
   ("D","Improving IT and OT Cybersecurity Relationships"),("E","Mitigating Known Vulnerabilities"),
   ("F","Third-Party Validation of Cybersecurity Control Effectiveness"),("G","Supply Chain Incident Reporting"),
   ("H","Supply Chain Vulnerability Disclosure"),("I","Vendor/Supplier Cybersecurity Requirements")]),
 ("2","Protect",[("A","Changing Default Passwords"),("B","Minimum Password Strength"),("C","Unique Credentials"),
   ("D","Revoking Credentials for Departing Employees"),("E","Separating User and Privileged Accounts"),
   ("F","Network Segmentation"),("G","Detection of Unsuccessful (Automated) Login Attempts"),
   ("H","Phishing-Resistant Multifactor Authentication (MFA)"),("I","Basic Cybersecurity Training"),
   ("J","OT Cybersecurity Training"),("K","Strong and Agile Encryption"),("L","Secure Sensitive Data"),
   ("M","Email Security"),("N","Disable Macros by Default"),("O","Document Device Configurations"),
   ("P","Document Network Topology"),("Q","Hardware and Software Approval Process"),("R","System Backups"),
   ("S","Incident Response (IR) Plans"),("T","Log Collection"),("U","Secure Log Storage"),
   ("V","Prohibit Connection of Unauthorized Devices"),("W","No Exploitable Services on the Internet"),
   ("X","Limit OT Connections to Public Internet")]),
 ("3","Detect",[("A","Detecting Relevant Threats and TTPs")]),
 ("4","Respond",[("A","Incident Reporting"),("B","Vulnerability Disclosure/Reporting"),("C","Deploy Security.txt Files")]),
 ("5","Recover",[("A","Incident Planning and Preparedness")]),
]
cgroups = []
for num, fn, goals in CPG:
    cgroups.append({"id": f"cpg-{num}", "title": fn, "props": [{"name": "security-function", "ns": "https://cybernav.example/ns/oscal", "value": fn}],
      "controls": [{"id": f"cpg-{num}.{l.lower()}", "title": t,
         "props": [{"name": "label", "value": f"{num}.{l}"}, {"name": "security-function", "ns": "https://cybernav.example/ns/oscal", "value": fn}]}
        for l, t in goals]})
cpg = {"catalog": {"uuid": "0b8e2c4d-7a19-4f52-8e63-5d1c9b2a7f08",
  "metadata": meta_common("Cross-Sector Cybersecurity Performance Goals", "1.0.1", "cisa-cpg",
     "Cybersecurity and Infrastructure Security Agency (CISA)",
     "Goal ids and titles follow CISA's Cross-Sector Cybersecurity Performance Goals version 1.0.1 (March 2023): goals grouped by CSF function (1 Identify, 2 Protect, 3 Detect, 4 Respond, 5 Recover), ids such as 1.A. Kept so that assessments made against 1.0.1 keep working; CPG 2.0 ships beside it (cisa-cpg-2.0.json) and cpg-1.0.1-to-2.0.toml links each 1.0.1 goal to its 2.0 successor. U.S. government work, public domain.",
     "2026-11-30T00:00:00Z"),
  "groups": cgroups}}
json.dump(cpg, open("cisa-cpg.json","w"), indent=2, ensure_ascii=False)

# CPG 2.0 (CISA, December 2025): 34 goals in six groups that follow the CSF 2.0 functions. Ids and
# titles are CISA's; each outcome sentence is cybernav's plain-English restatement for county staff.
CPG2 = [
 ("1","Govern",[
   ("A","Establish Cybersecurity Responsibilities","A named person is in charge of cybersecurity, and everyone knows who does what to keep the office's systems safe."),
   ("B","Manage Cybersecurity Oversight","Leaders review how the cybersecurity work is going at set times and adjust plans, people and money as risks change."),
   ("C","Maintain Incident Response Plans","A written plan says what to do and whom to call when a cyber incident happens, and it is practised and kept up to date."),
   ("D","Supply Chain Incident Reporting & Vulnerability Disclosure","Contracts require vendors to tell the office promptly about security incidents and weaknesses in what they supply."),
   ("E","Manage Risks from Managed Service Providers","When an outside company runs IT for the office, its access, duties and security checks are written down, limited and reviewed."),
 ]),
 ("2","Identify",[
   ("A","Manage Organizational Assets","The office keeps a current list of its computers, devices, software and accounts, with who is responsible for each."),
   ("B","Mitigate Known Vulnerabilities","Known security flaws, first those attackers already use, are fixed within set deadlines, starting with systems reachable from the internet."),
   ("C","Obtain Independent Validation of Cybersecurity Controls","Someone outside the team tests the office's defences from time to time, and the weaknesses found are fixed."),
   ("D","Maintain Vulnerability Disclosure/Reporting Process","People outside the office have a published way to report a security weakness they find, and each report gets an answer."),
   ("E","Document Network Topology","Current diagrams show how the office's networks and systems connect, so a problem can be found and contained quickly."),
 ]),
 ("3","Protect",[
   ("A","Change Default Passwords","Passwords that come preset from the maker are changed before a device or program is put to use."),
   ("B","Establish Minimum Password Strength","Where passwords are still used, they must be long and hard to guess."),
   ("C","Create Unique Credentials","Each person and each system has its own sign-in; sign-ins are not shared, and one password is not reused across systems."),
   ("D","Revoke Credentials for Departing Staff","When someone leaves, their accounts, badges and keys are turned off straight away."),
   ("E","Monitor Unsuccessful (Automated) Login Attempts","Repeated failed sign-ins are noticed, slowed down or locked out, and looked into."),
   ("F","Implement Multifactor Authentication (MFA)","Signing in to e-mail, remote access and important systems needs a second proof besides the password, preferably one a phishing message cannot steal."),
   ("G","Administrators Maintain Separate User and Privileged Accounts","Administrators use an ordinary account for everyday work and a separate account only for administration."),
   ("H","Implement the Principles of Least Privilege","People and systems get only the access their work needs, and access is reviewed and trimmed regularly."),
   ("I","Implement Logical/Physical Network Segmentation","Networks are divided so that trouble in one part, such as guest Wi-Fi, cannot easily reach the systems that matter most."),
   ("J","Implement Cybersecurity Training","Staff get regular, practical training on spotting scams and handling information safely, with more for those in special roles."),
   ("K","Utilize Strong Encryption","Sensitive information is protected with current, strong encryption when it is stored and when it travels over a network."),
   ("L","Enable Email Security","E-mail is set up to reject forged senders and to filter out dangerous messages and attachments."),
   ("M","Disable Autorun & Macros by Default","Programs do not start on their own from USB drives or discs, and document macros stay off unless specifically approved."),
   ("N","Establish Change Management Processes","Changes to systems and settings are planned, approved, recorded and can be undone if something goes wrong."),
   ("O","Maintain System Backups & Restoration Ability","Important systems and data are backed up regularly, a copy is kept out of attackers' reach, and restoring from it is tested."),
   ("P","Maintain Hardware & Software Approval Process","New equipment and software are reviewed for security and approved before they are bought or installed."),
   ("Q","Maintain Log Collection & Storage","Security-relevant activity is recorded, gathered in one place and kept safe long enough to investigate an incident."),
   ("R","Prohibit Connection of Unauthorized Devices","Only approved devices can be plugged into or joined to the office's computers and networks."),
   ("S","Secure Internet-Facing Devices","Systems reachable from the internet offer only the services needed, are kept up to date and are watched closely."),
 ]),
 ("4","Detect",[
   ("A","Establish Malicious Code Detection","Tools that find and stop viruses and other harmful software run on computers and servers and are kept current."),
   ("B","Identify Adverse Events","Alerts and logs are reviewed so that signs of an attack are recognised and passed on quickly."),
 ]),
 ("5","Respond",[
   ("A","Establish Incident Communication Procedures","It is agreed in advance who tells staff, partners, the public and the press what during an incident, and how."),
   ("B","Establish Incident Reporting Procedures","Incidents are reported to the right authorities, such as CISA and the State, within the time required."),
 ]),
 ("6","Recover",[
   ("A","Execute Incident Recovery Plan","After an incident, systems are brought back in a planned order and checked before use, and the lessons learned are acted on."),
 ]),
]
assert [len(g) for _, _, g in CPG2] == [5, 5, 19, 2, 2, 1], [len(g) for _, _, g in CPG2]
c2groups = []
for num, fn, goals in CPG2:
    c2groups.append({"id": f"cpg-{num}", "title": fn, "props": [{"name": "security-function", "ns": "https://cybernav.example/ns/oscal", "value": fn}],
      "controls": [{"id": f"cpg-{num}.{l.lower()}", "title": t,
         "props": [{"name": "label", "value": f"{num}.{l}"}, {"name": "security-function", "ns": "https://cybernav.example/ns/oscal", "value": fn}],
         "parts": [{"id": f"cpg-{num}.{l.lower()}_smt", "name": "statement", "prose": outcome}]}
        for l, t, outcome in goals]})
cpg2 = {"catalog": {"uuid": "3c9f1e62-8d4b-4a7e-b5c0-91e2f6a8d347",
  "metadata": meta_common("Cross-Sector Cybersecurity Performance Goals", "2.0", "cisa-cpg",
     "Cybersecurity and Infrastructure Security Agency (CISA)",
     "Goal ids and titles follow CISA's Cross-Sector Cybersecurity Performance Goals 2.0 (December 2025): 34 goals in six groups that follow the NIST CSF 2.0 functions (1 Govern, 2 Identify, 3 Protect, 4 Detect, 5 Respond, 6 Recover), ids such as 3.F. Each goal's outcome sentence is a plain-English restatement written for cybernav; CISA's own wording is in the CPG 2.0 publication. Version 1.0.1 ships beside this one. U.S. government work, public domain.",
     "2026-11-30T00:00:00Z"),
  "groups": c2groups}}
json.dump(cpg2, open("cisa-cpg-2.0.json","w"), indent=2, ensure_ascii=False)
